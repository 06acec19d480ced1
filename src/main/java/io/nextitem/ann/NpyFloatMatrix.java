package io.nextitem.ann;

import io.nextitem.model.ModelLoadException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version's item_vectors.npy (schemas/model/README.md, the retrieval form): NumPy format 1.0,
 * dtype {@code '<f4'}, C order, shape (N, D); row {@code i - 1} is item index {@code i}. The file
 * is memory-mapped, so the rows live in the page cache, not on the heap. Strict on the header:
 * anything else is refused with what was found, since a silently transposed or float64 table
 * would score every item wrong.
 */
public final class NpyFloatMatrix {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final int rows;
    private final int dim;
    private final FloatBuffer values;

    private NpyFloatMatrix(int rows, int dim, FloatBuffer values) {
        this.rows = rows;
        this.dim = dim;
        this.values = values;
    }

    /** Reads and checks the header, then maps the data. */
    public static NpyFloatMatrix open(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer preamble = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, preamble, 0, file);
            for (int i = 0; i < MAGIC.length; i++) {
                if (preamble.get(i) != MAGIC[i]) {
                    throw bad(file, "not a .npy file (no \\x93NUMPY magic)");
                }
            }
            int major = preamble.get(6);
            int minor = preamble.get(7);
            if (major != 1 || minor != 0) {
                throw bad(file, "is .npy format " + major + "." + minor + ", the contract is 1.0");
            }
            int headerLength = Short.toUnsignedInt(preamble.getShort(8));
            ByteBuffer headerBytes = ByteBuffer.allocate(headerLength);
            readFully(channel, headerBytes, 10, file);
            String header = new String(headerBytes.array(), StandardCharsets.ISO_8859_1);
            String descr = find(DESCR, header, "descr", file);
            if (!descr.equals("<f4")) {
                throw bad(file, "has dtype '" + descr + "', the contract is '<f4' (little-endian float32)");
            }
            if (find(FORTRAN, header, "fortran_order", file).equals("True")) {
                throw bad(file, "is in Fortran order, the contract is C order (one item per row)");
            }
            String[] shape = find(SHAPE, header, "shape", file).split(",");
            if (shape.length < 2 || shape.length > 3 || (shape.length == 3 && !shape[2].isBlank())) {
                throw bad(file, "has shape (" + String.join(",", shape) + "), the contract is (N, D)");
            }
            long rows = Long.parseLong(shape[0].trim());
            long dim = Long.parseLong(shape[1].trim());
            long dataOffset = 10L + headerLength;
            long dataBytes = rows * dim * Float.BYTES;
            if (rows < 1 || dim < 1) {
                throw bad(file, "has shape (" + rows + ", " + dim + "), both must be positive");
            }
            if (size != dataOffset + dataBytes) {
                throw bad(file, "holds " + (size - dataOffset) + " data bytes but shape (" + rows + ", " + dim
                        + ") float32 needs " + dataBytes + ": truncated or padded");
            }
            if (dataBytes > Integer.MAX_VALUE) {
                // One mapped buffer addresses 2 GiB; 10^6 items of 64 dimensions are 256 MB.
                throw bad(file, "is " + dataBytes + " bytes, more than the 2 GiB one mapping holds");
            }
            FloatBuffer values = channel.map(FileChannel.MapMode.READ_ONLY, dataOffset, dataBytes)
                    .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            return new NpyFloatMatrix((int) rows, (int) dim, values);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            throw bad(file, "has a shape that is not two integers: " + e.getMessage());
        }
    }

    /** The header of a '<f4' C-order (rows, dim) matrix, padded as NumPy pads it (to a multiple of 64 bytes). */
    public static byte[] header(int rows, int dim) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + dim + "), }";
        int unpadded = 10 + dict.length() + 1;
        int padded = (unpadded + 63) / 64 * 64;
        String text = dict + " ".repeat(padded - unpadded) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
        out.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return out.array();
    }

    /** Writes a matrix in the contract's format (tests and the comparison bench). */
    public static void write(Path file, float[][] rows) throws IOException {
        int dim = rows[0].length;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(header(rows.length, dim)));
            ByteBuffer data = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] row : rows) {
                if (row.length != dim) {
                    throw new IllegalArgumentException("rows differ in length: " + row.length + " and " + dim);
                }
                if (data.remaining() < dim * Float.BYTES) {
                    data.flip();
                    while (data.hasRemaining()) {
                        channel.write(data);
                    }
                    data.clear();
                }
                for (float v : row) {
                    data.putFloat(v);
                }
            }
            data.flip();
            while (data.hasRemaining()) {
                channel.write(data);
            }
        }
    }

    public int rows() {
        return rows;
    }

    public int dim() {
        return dim;
    }

    /** Row {@code row} (0-based: item index {@code row + 1}) copied into a new array. */
    public float[] row(int row) {
        float[] out = new float[dim];
        values.get(row * dim, out);
        return out;
    }

    /** The inner product of {@code query} with row {@code row}: the retrieval form's score of item {@code row + 1}. */
    public float innerProduct(float[] query, int row) {
        int base = row * dim;
        float sum = 0f;
        for (int d = 0; d < dim; d++) {
            sum += query[d] * values.get(base + d);
        }
        return sum;
    }

    private static String find(Pattern pattern, String header, String key, Path file) {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw bad(file, "has no '" + key + "' in its header: " + header.trim());
        }
        return m.group(1);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw bad(file, "ends inside its header (truncated)");
            }
        }
    }

    private static ModelLoadException bad(Path file, String problem) {
        return new ModelLoadException(file + " " + problem);
    }
}
