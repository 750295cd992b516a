/**
 * The models a worker has loaded, each known by what a manifest records (model, its files' sha256, the
 * layers exposed): loaded once, for every job of every run that names it, and checked against the
 * manifest's sha256 when loaded. A model no job is using is disposed when another must be loaded,
 * so between runs a worker holds one.
 */
import { ContextualModel, loadContextualModel, ModelOptions } from '../contextual/model';
import { prepareModel } from '../embed';
import { checkModelFiles, modelOptionsOf, rowOptionsOf } from '../folder-manifest';
import { Manifest } from '../store/manifest';

/** How a worker loads models: everything but which model (the manifest says that). */
export type LoadOptions = Omit<ModelOptions, 'model' | 'revision' | 'dtype'>;

interface Loaded {
  model: Promise<ContextualModel>;
  users: number;
}

export class WorkerModels {
  private readonly loaded = new Map<string, Loaded>();

  constructor(private readonly options: LoadOptions) {}

  /** The model `manifest` (of the folder `out`) names, loaded first if needed; release it when the job is over. */
  async acquire(manifest: Manifest, out: string): Promise<{ model: ContextualModel; release: () => void }> {
    const key = JSON.stringify([manifest.model, manifest.modelSha256, manifest.options.layers]);
    let entry = this.loaded.get(key);
    if (!entry) {
      await this.disposeIdle();
      const loading = this.load(manifest, out);
      entry = { model: loading, users: 0 };
      this.loaded.set(key, entry);
      loading.catch(() => this.loaded.delete(key));
    }
    const model = await entry.model;
    const held = entry;
    held.users++;
    return { model, release: () => void held.users-- };
  }

  private async load(manifest: Manifest, out: string): Promise<ContextualModel> {
    const model = await loadContextualModel({ ...this.options, ...modelOptionsOf(manifest) });
    try {
      checkModelFiles(manifest, model, out);
      await prepareModel(model, rowOptionsOf(manifest));
      return model;
    } catch (err) {
      await model.dispose();
      throw err;
    }
  }

  private async disposeIdle(): Promise<void> {
    for (const [key, entry] of this.loaded) {
      if (entry.users > 0) continue;
      this.loaded.delete(key);
      await entry.model.then((m) => m.dispose(), () => undefined); // one that failed to load holds nothing
    }
  }

  /** Disposes every model (call once no job runs). */
  async dispose(): Promise<void> {
    await this.disposeIdle();
  }
}
