// JSON.parse keeps the last of two equal keys silently; safetensors forbids duplicate tensor names, so
// the top-level keys are listed by scanning the (already validated) JSON text.

/** Keys of the outermost object of `text`, in order, duplicates included. `text` must be valid JSON. */
export function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      i++;
      while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      i++;
      if (depth === 1) {
        let j = i;
        while (j < text.length && /\s/.test(text[j])) j++;
        if (text[j] === ":") keys.push(JSON.parse(text.slice(start, i)) as string);
      }
      continue;
    }
    if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
    i++;
  }
  return keys;
}
