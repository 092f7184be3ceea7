// Reordering and resending, as Kafka producers may: for the property tests that check a
// result does not depend on the order or repetition of events.

/** The items in a random order (Fisher–Yates over `random`, so a seed replays it). */
export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Resends `count` of the items (same event id) at random places, as producers may. */
export function withDuplicates<T>(items: T[], count: number, random: () => number): T[] {
  const out = [...items];
  for (let i = 0; i < count && items.length; i++)
    out.splice(Math.floor(random() * out.length), 0, items[Math.floor(random() * items.length)]);
  return out;
}
