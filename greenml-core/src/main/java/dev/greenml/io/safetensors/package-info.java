/**
 * The safetensors model-file format, exactly per its specification, so that greenml models
 * load in PyTorch / Hugging Face / numpy and theirs load here.
 *
 * <ul>
 *   <li>{@link dev.greenml.io.safetensors.SafeTensors}: read, parse, write, toBytes.</li>
 *   <li>{@link dev.greenml.io.safetensors.SafeTensorsFile}: what a file holds (tensors in file
 *       order, {@code __metadata__}).</li>
 *   <li>{@link dev.greenml.io.safetensors.TensorEntry}: one tensor, with conversions from and to
 *       Java arrays; {@link dev.greenml.io.safetensors.FloatFormats} does F16/BF16/F8.</li>
 *   <li>{@link dev.greenml.io.safetensors.ModelFileException}: every invalid or unreadable file,
 *       with one message naming the file, the problem and the fix.</li>
 * </ul>
 */
package dev.greenml.io.safetensors;
