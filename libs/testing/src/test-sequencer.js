// The order Jest starts integration files in (jest.int.config.js `testSequencer`). Longest first,
// so no long file starts last and runs on alone: Jest does that from an earlier run's timings;
// a fresh checkout (CI) has none, and Jest would go by file size — there the fault cases, small
// files that wait out consumer sessions and outages, go first, longest first (their durations in
// docs/reliability.md).
const Sequencer = require('@jest/test-sequencer').default;

const FAULT_CASES = ['kills', 'broker-outage', 'postgres-outage', 'two-resolvers'].map(
  (name) => `e2e/test/chaos/${name}.int-spec.ts`,
);
const rank = (test) => {
  const at = FAULT_CASES.findIndex((file) => test.path.split('\\').join('/').endsWith(file));
  return at < 0 ? FAULT_CASES.length : at;
};

class LongestFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((test) => test.duration != null)) return sorted;
    return sorted
      .map((test, i) => ({ test, i }))
      .sort((a, b) => rank(a.test) - rank(b.test) || a.i - b.i)
      .map((x) => x.test);
  }
}

module.exports = LongestFirst;
