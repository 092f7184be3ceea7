import { placeSnapshotEntry } from './connector-ranges';

const pro = { e: 'a@x.io', r: 'Pro', s: 'active' };
const viewer = { e: 'a@x.io', r: 'Viewer', s: 'active' };

describe('placeSnapshotEntry', () => {
  it('extends nothing when the latest snapshot says the same', () => {
    const ranges = placeSnapshotEntry([], 100, null, pro);
    expect(placeSnapshotEntry(ranges, 200, null, pro)).toEqual([{ f: 100, t: null, ...pro }]);
  });

  it('closes the open range when the user leaves', () => {
    expect(placeSnapshotEntry([{ f: 100, t: null, ...pro }], 200, null, undefined)).toEqual([
      { f: 100, t: 200, ...pro },
    ]);
  });

  it('places a late snapshot between two others, splitting what was there', () => {
    const ranges = [{ f: 100, t: null, ...pro }];
    expect(placeSnapshotEntry(ranges, 150, 300, viewer)).toEqual([
      { f: 100, t: 150, ...pro },
      { f: 150, t: 300, ...viewer },
      { f: 300, t: null, ...pro },
    ]);
  });

  it('merges back when a late snapshot agrees with its neighbours', () => {
    const ranges = [
      { f: 100, t: 150, ...pro },
      { f: 300, t: null, ...pro },
    ];
    expect(placeSnapshotEntry(ranges, 150, 300, pro)).toEqual([{ f: 100, t: null, ...pro }]);
  });
});
