// Python str methods the LLaVA templates rely on, where JavaScript's built-ins differ.

// Python's str.isspace() set; JavaScript's \s adds U+FEFF and lacks \x1c-\x1f and \x85.
const PY_WHITESPACE =
  "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

/** Python `s.strip(chars)`: removes any of `chars` (default: whitespace) from both ends. */
export function pyStrip(s: string, chars: string = PY_WHITESPACE): string {
  return pyRstrip(pyLstrip(s, chars), chars);
}

/** Python `s.lstrip(chars)`: a character set, not a prefix (LLaVA's `lstrip("<s>")` relies on this). */
export function pyLstrip(s: string, chars: string = PY_WHITESPACE): string {
  let start = 0;
  while (start < s.length && chars.includes(s[start])) start++;
  return s.slice(start);
}

export function pyRstrip(s: string, chars: string = PY_WHITESPACE): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1])) end--;
  return s.slice(0, end);
}
