// The order Jest starts integration files in (jest.int.config.js `testSequencer`). Longest first,
// so no long file starts last and runs on alone: Jest does that from an earlier run's timings;
// a fresh checkout has none (Jest then goes by file size), so there the fault cases go first —
// small files that wait out consumer sessions and outages.
const Sequencer = require('@jest/test-sequencer').default;

const waitsOutFaults = (test) => /[/\\]e2e[/\\]test[/\\]chaos[/\\]/.test(test.path);

class LongestFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((test) => test.duration != null)) return sorted;
    return [...sorted.filter(waitsOutFaults), ...sorted.filter((test) => !waitsOutFaults(test))];
  }
}

module.exports = LongestFirst;
