/**
 * Prints the top self-time functions of a .cpuprofile (node --cpu-prof):
 *   node dist-bench/bench/profile-summary.js FILE.cpuprofile [TOP]
 */
import { summariseProfile } from './lib/cpuprofile';

const [file, top] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary FILE.cpuprofile [TOP]');
  process.exit(2);
}
const summary = summariseProfile(file, top ? Number(top) : 25);
console.log(`total sampled: ${summary.totalMs} ms`);
console.log('\nself time by package/folder:');
for (const p of summary.byPackage.slice(0, 15)) console.log(`  ${p.selfPercent.toFixed(1).padStart(5)}%  ${p.name}`);
console.log('\ntop functions by self time:');
for (const f of summary.functions)
  console.log(`  ${f.selfPercent.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(6)} ms  ${f.name}  ${f.location}`);
