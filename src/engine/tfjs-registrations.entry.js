// Bundled by `npm run gen:tfjs` into tfjs-registrations.generated.cjs (see backend.ts for why).
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
