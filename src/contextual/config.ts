/**
 * The shape of an encoder from its config.json. BERT and DistilBERT name the same things
 * differently (`hidden_size` / `dim`, `num_hidden_layers` / `n_layers`); models that declare
 * `model_type: bert` include the sentence-transformers exports (MiniLM, BGE, E5, GTE).
 */
import { ModelLoadError } from '../errors';

export interface EncoderShape {
  modelType: string;
  hiddenSize: number;
  numLayers: number;
  /** Positions the model has embeddings for: the longest sequence, special tokens included. */
  maxPositions: number;
}

const FIELDS: Record<string, { hiddenSize: string; numLayers: string; maxPositions: string }> = {
  bert: { hiddenSize: 'hidden_size', numLayers: 'num_hidden_layers', maxPositions: 'max_position_embeddings' },
  distilbert: { hiddenSize: 'dim', numLayers: 'n_layers', maxPositions: 'max_position_embeddings' },
};

const SUPPORTED_MODEL_TYPES = Object.keys(FIELDS);

export function encoderShape(config: Record<string, unknown>, source: string): EncoderShape {
  const modelType = String(config.model_type ?? '');
  const fields = FIELDS[modelType];
  if (!fields) {
    throw new ModelLoadError(
      `${source}: config.json has model_type ${modelType ? `"${modelType}"` : 'missing'}; ctxembed runs ${SUPPORTED_MODEL_TYPES.join(' and ')} encoders (sentence-transformers' MiniLM, BGE and E5 exports are model_type bert)`,
    );
  }
  const read = (field: string): number => {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new ModelLoadError(`${source}: config.json lacks ${field} (a positive integer for a ${modelType} model)${value === undefined ? '' : `, found ${JSON.stringify(value)}`}`);
    }
    return value;
  };
  return { modelType, hiddenSize: read(fields.hiddenSize), numLayers: read(fields.numLayers), maxPositions: read(fields.maxPositions) };
}
