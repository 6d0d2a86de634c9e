// Prints the top self-time frames of a V8 .cpuprofile (node --cpu-prof), grouped by function and
// file, as a share of the busy samples (idle time left out): `node bench/profile-top.mjs <file.cpuprofile> [count]`.
import { readFileSync } from 'node:fs';

const [file, countArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const selfTicks = new Map(profile.nodes.map((node) => [node.id, 0]));
for (const sample of profile.samples) selfTicks.set(sample, selfTicks.get(sample) + 1);
const byFrame = new Map();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*\/(node_modules|src|dist)\//, '$1/')}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  byFrame.set(key, (byFrame.get(key) ?? 0) + selfTicks.get(node.id));
}
const idle = byFrame.get('(idle)') ?? 0;
byFrame.delete('(idle)');
const total = profile.samples.length - idle;
const top = [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg ?? 25));
for (const [key, ticks] of top) process.stdout.write(`${((100 * ticks) / total).toFixed(1).padStart(5)} %  ${key}\n`);
