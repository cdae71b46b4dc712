// Quotes command-line words for a POSIX shell, so that a printed command (a failing cell's reproducer,
// the command line a result records) can be pasted back as it is.

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(" ");
}
