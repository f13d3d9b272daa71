/**
 * Gradient kernels of `depthwiseConv2d` for the wasm backend: `DepthwiseConv2dNativeBackpropInput`
 * and `DepthwiseConv2dNativeBackpropFilter`, which tfjs-backend-wasm 4.22.0 lacks. Without them the
 * gradient of any grouped convolution (`Conv1d`/`Conv2d` with `groups === inChannels`, and
 * `ConvTranspose2d`'s grouped path) threw "Kernel 'DepthwiseConv2dNativeBackpropInput' not
 * registered for backend 'wasm'".
 *
 * Both run the cpu backend's kernels on copies of the data (see `cpuKernelOnWasm.ts`): correct for
 * every stride, dilation and padding; as fast as the cpu backend, which is what these naive loops
 * cost anyway. Registered once, on import, only where wasm has no kernel of its own.
 *
 * @since 0.1.0
 */
import * as tf from '@tensorflow/tfjs-core';
import { cpuKernelOnWasm } from './cpuKernelOnWasm.js';

for (const name of ['DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter']) {
  if (tf.getKernel(name, 'wasm') === undefined) {
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: cpuKernelOnWasm(name) });
  }
}
