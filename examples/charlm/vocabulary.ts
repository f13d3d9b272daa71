/**
 * The model's alphabet: every character of the corpus (training and held-out text together, 85 for
 * the Brown Corpus), sorted by code point, each with its token id. Taking the held-out characters
 * in too means every held-out character has an id; the corpus is fixed, so nothing about the
 * held-out text is learned from it but which characters exist.
 *
 * @since 0.2.0
 */

/** Characters and their ids: `chars[id]` is the character of token `id`. @since 0.2.0 */
export interface Vocabulary {
  readonly chars: string;
  readonly ids: ReadonlyMap<string, number>;
}

/**
 * The vocabulary of some texts: their distinct characters (UTF-16 code units), sorted.
 * @example
 * vocabularyOf(['hello', 'world']).chars // 'dehlorw'
 * @since 0.2.0
 */
export const vocabularyOf = (texts: ReadonlyArray<string>): Vocabulary => {
  const set = new Set<string>();
  for (const text of texts) for (let i = 0; i < text.length; i++) set.add(text[i]!);
  const chars = [...set].sort().join('');
  return { chars, ids: new Map([...chars].map((c, i) => [c, i])) };
};

/**
 * A text as token ids; a character outside the vocabulary is an error naming it and its position.
 * @example
 * encode(vocabularyOf(['abc']), 'cab') // Uint8Array [2, 0, 1]
 * @since 0.2.0
 */
export const encode = (vocabulary: Vocabulary, text: string): Uint8Array => {
  if (vocabulary.chars.length > 256) throw new Error(`encode: at most 256 characters fit a byte id, got ${vocabulary.chars.length}`);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const id = vocabulary.ids.get(text[i]!);
    if (id === undefined) {
      throw new Error(
        `encode: character ${JSON.stringify(text[i])} at position ${i} is not in the vocabulary ${JSON.stringify(vocabulary.chars)}`,
      );
    }
    out[i] = id;
  }
  return out;
};

/**
 * Token ids as text.
 * @example
 * decode(vocabularyOf(['abc']), [2, 0, 1]) // 'cab'
 * @since 0.2.0
 */
export const decode = (vocabulary: Vocabulary, ids: ArrayLike<number>): string =>
  Array.from(ids, (id) => {
    const c = vocabulary.chars[id];
    if (c === undefined) throw new Error(`decode: token id ${id} is outside the vocabulary's [0, ${vocabulary.chars.length})`);
    return c;
  }).join('');
