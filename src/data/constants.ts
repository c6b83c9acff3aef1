// LLaVA's constants (llava/constants.py).
/** Label value ignored by the loss (HF CrossEntropy's ignore_index). */
export const IGNORE_INDEX = -100;
/** Placeholder id spliced into input_ids where the image features go; never embedded. */
export const IMAGE_TOKEN_INDEX = -200;
export const DEFAULT_IMAGE_TOKEN = "<image>";
