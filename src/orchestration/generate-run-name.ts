/** Friendly random run names like `amber-otter-42` (what a person reads in lists). */

const ADJECTIVES = ["amber", "brisk", "calm", "dapper", "eager", "fuzzy", "gentle", "hasty", "icy", "jolly", "keen", "lucky", "mellow", "nimble", "olive", "proud", "quiet", "rapid", "silver", "tidy", "upbeat", "vivid", "witty", "young", "zesty"];
const ANIMALS = ["otter", "heron", "lynx", "badger", "falcon", "gecko", "ibis", "jackal", "koala", "lemur", "marmot", "newt", "ocelot", "puffin", "quail", "raven", "salmon", "tapir", "urchin", "vole", "walrus", "yak", "zebra", "beaver", "crane"];

function pick(words: readonly string[]): string {
  return words[Math.floor(Math.random() * words.length)] ?? "run";
}

/** A new random run name. */
export function generateRunName(): string {
  return `${pick(ADJECTIVES)}-${pick(ANIMALS)}-${Math.floor(Math.random() * 100)}`;
}
