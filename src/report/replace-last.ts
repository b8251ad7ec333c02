// A host's list of steps, one entry per step id, in the order the steps last ended.

/** Puts `item` last, in place of the entry with its id if there is one (a step seen again moves to the end), without copying the list. */
export function replaceLast<T extends { id: string }>(list: T[], item: T): void {
  const at = list.findIndex((x) => x.id === item.id);
  if (at >= 0) list.splice(at, 1);
  list.push(item);
}
