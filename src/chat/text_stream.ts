// Streaming decoded text while tokens arrive. Each update decodes the whole id list (tokens alone do not
// decode right: byte-fallback pieces of one character, SentencePiece's leading space) and passes on only
// the new suffix. Text that may still change is held back: a trailing U+FFFD (an incomplete UTF-8
// sequence) and any tail that could be the start of a stop string.

/** Index of the earliest stop string in `text`, or -1. */
function firstStop(text: string, stops: readonly string[]): number {
  let at = -1;
  for (const s of stops) {
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at;
}

/** Length of the longest tail of `text` that is a proper prefix of some stop string. */
function partialStop(text: string, stops: readonly string[]): number {
  let longest = 0;
  for (const s of stops)
    for (let k = Math.min(s.length - 1, text.length); k > longest; k--)
      if (text.endsWith(s.slice(0, k))) {
        longest = k;
        break;
      }
  return longest;
}

export class TextStream {
  /** The text so far, cut before a stop string once one appeared. */
  text = "";
  stopped = false;
  private emitted = "";

  constructor(
    private readonly decode: (ids: readonly number[]) => string,
    private readonly onText: (chunk: string) => void,
    private readonly stops: readonly string[] = [],
  ) {}

  /** Takes every id generated so far; returns true once a stop string has appeared. */
  update(ids: readonly number[]): boolean {
    const text = this.decode(ids);
    const at = firstStop(text, this.stops.filter(Boolean));
    this.stopped = at >= 0;
    this.text = this.stopped ? text.slice(0, at) : text;
    if (this.stopped) {
      this.flush();
      return true;
    }
    let safe = this.text.length - partialStop(this.text, this.stops);
    while (safe > 0 && this.text[safe - 1] === "\uFFFD") safe--;
    this.emit(this.text.slice(0, safe));
    return false;
  }

  /** Passes on whatever was held back (generation has ended). */
  flush(): void {
    this.emit(this.text);
  }

  private emit(upTo: string): void {
    // Decoders only append as ids are added; should one ever rewrite earlier text, wait for the end.
    if (upTo.length <= this.emitted.length || !upTo.startsWith(this.emitted)) return;
    this.onText(upTo.slice(this.emitted.length));
    this.emitted = upTo;
  }
}
