/** The URLs of the warming form: one per line, blank lines and `#` comments ignored (as in WARM_URLS_FILE). */
export function parseUrlList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
