import type { Argv, CommandModule } from 'yargs';
import { quantizeModelFolder } from '../contextual/quantize-folder';

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

export const quantizeCommand: CommandModule = {
  command: 'quantize',
  describe: "Write onnx/model_quantized.onnx (int8, for --dtype q8) for a local model folder, as onnxruntime's dynamic quantization does",
  builder: (y: Argv) =>
    y
      .option('model', { type: 'string', demandOption: true, describe: 'Local model folder with onnx/model.onnx' })
      .option('out', { type: 'string', describe: 'Write a complete model folder here (default: add the file to --model)' })
      .option('per-channel', { type: 'boolean', default: false, describe: 'One scale per output column of each weight instead of one per weight' })
      .option('exclude', { type: 'string', array: true, describe: 'Leave MatMul/Gemm nodes whose name matches this glob in float32 (repeatable)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No summary on stderr' })
      .example('$0 quantize --model ./models/bert', 'adds models/bert/onnx/model_quantized.onnx')
      .example("$0 quantize --model ./models/bert --out ./models/bert-q8 --per-channel --exclude '/encoder/layer.11/**'", 'a new folder; the last layer stays float32'),
  handler: async (argv: any) => {
    const r = await quantizeModelFolder(argv.model, { out: argv.out, perChannel: argv.perChannel, exclude: argv.exclude });
    if (!argv.quiet) {
      console.error(
        `wrote ${r.file}: ${r.quantized.length} MatMul/Gemm quantized to int8${r.excluded.length ? `, ${r.excluded.length} left float32` : ''}; ${mb(r.fp32Bytes)} → ${mb(r.q8Bytes)}`,
      );
    }
  },
};
