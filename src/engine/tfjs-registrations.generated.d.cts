// Side-effect module: registers tfjs-core's gradient functions and chained tensor methods.
export {};
