// Side-effect module: registers tfjs-core's gradient functions and chained tensor methods.
// Its types bring the chained methods' declarations (`t.reshape(...)`) into every program that
// imports parallax-ts, matching what the bundle registers at run time.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
export {};
