import type { ModelFormat, ModelInfo } from '../../shared/model-info';

/** One file of a model, read once into memory; readers only ever take views of `data`. */
export interface ModelFile {
  /** The file's name as the user gave it (base name), used in every message. */
  name: string;
  data: Uint8Array;
}

/** The main file plus the files it refers to (TF.js weight shards), keyed by the path the main file uses. */
export interface ModelFileSet {
  main: ModelFile;
  companions: ReadonlyMap<string, ModelFile>;
}

/** What a reader knows; `inspect` adds the file name, total size and sha256. */
export type ModelReadout = Omit<ModelInfo, 'fileName' | 'sizeBytes' | 'sha256'>;

/**
 * The engine half of one model format (Netron's ModelFactory): adding a format is its
 * descriptor (src/shared/plugins/model-formats), a reader like this, and a line in each registry.
 */
export interface ModelReader<F extends ModelFormat = ModelFormat> {
  format: F;
  /** File name endings this format uses (its descriptor's), tried only when no reader recognises the content. */
  extensions: readonly string[];
  /** Recognises the format from the main file's bytes alone; must be cheap and must not throw. */
  match(main: ModelFile): boolean;
  /** Other files the main file needs, as the relative paths it names them by (in hash order); throws like read(). */
  companions(main: ModelFile): string[];
  /** Reads the model; throws StudioError('MODEL_FORMAT') naming the file when it is damaged. */
  read(files: ModelFileSet): ModelReadout;
}
