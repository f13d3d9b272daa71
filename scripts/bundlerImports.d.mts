/** fp-ts and io-ts imported from their ES-module folders (see bundlerImports.mjs). */
export declare const esModuleImports: (code: string) => string;
/** Value imports of `tf` from any of `tfModules` as namespace imports of tfjs-core (see bundlerImports.mjs). */
export declare const namespaceTfImports: (code: string, file: string, tfModules: ReadonlyArray<string>) => string;
