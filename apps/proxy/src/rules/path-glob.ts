/**
 * Compiles a rule's path glob to an anchored regular expression over a raw (percent-encoded)
 * URL pathname: `*` matches any characters, slashes included; `?` matches exactly one
 * character; everything else is literal — regular-expression metacharacters are escaped, so a
 * glob can never inject a pattern.
 */
export function compilePathGlob(glob: string): RegExp {
  let source = '^';
  for (const char of glob) {
    if (char === '*') source += '[^]*';
    else if (char === '?') source += '[^]';
    else source += char.replace(/[\\^$.|+()[\]{}/-]/g, (c) => `\\${c}`);
  }
  return new RegExp(`${source}$`, 'u');
}
