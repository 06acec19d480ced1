package io.nextitem.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.model.ModelLoadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** item_vectors.npy is read only in the contract's exact format; anything else is refused saying what it is. */
class NpyFloatMatrixTest {
    @TempDir
    Path tmp;

    @Test
    void readsBackWhatItWrites() throws Exception {
        float[][] rows = {{1f, 2f, 3f}, {-4f, 0.5f, 6f}};
        Path file = tmp.resolve("v.npy");
        NpyFloatMatrix.write(file, rows);
        NpyFloatMatrix m = NpyFloatMatrix.open(file);
        assertThat(m.rows()).isEqualTo(2);
        assertThat(m.dim()).isEqualTo(3);
        assertThat(m.row(1)).containsExactly(-4f, 0.5f, 6f);
        assertThat(m.innerProduct(new float[] {1f, 1f, 1f}, 0)).isEqualTo(6f);
        // NumPy aligns the data to 64 bytes; a reader that assumed a fixed header would be off
        assertThat((Files.size(file) - 2 * 3 * 4) % 64).isZero();
    }

    @Test
    void readsAFileAsNumpyWritesIt() throws Exception {
        // np.save of np.array([[1, 2]], dtype='<f4') in format 1.0, byte for byte
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }";
        Path file = tmp.resolve("numpy.npy");
        Files.write(file, npy(dict, new float[] {1f, 2f}));
        assertThat(NpyFloatMatrix.open(file).row(0)).containsExactly(1f, 2f);
    }

    @Test
    void refusesAnotherDtype() throws Exception {
        Path file = tmp.resolve("f8.npy");
        Files.write(file, npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }", new float[] {0f, 0f}));
        assertThatThrownBy(() -> NpyFloatMatrix.open(file)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("dtype '<f8'").hasMessageContaining("'<f4'");
        Path bigEndian = tmp.resolve("bigendian.npy");
        Files.write(bigEndian, npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }", new float[] {0f}));
        assertThatThrownBy(() -> NpyFloatMatrix.open(bigEndian)).hasMessageContaining("dtype '>f4'");
    }

    @Test
    void refusesFortranOrderAndOtherShapes() throws Exception {
        Path fortran = tmp.resolve("fortran.npy");
        Files.write(fortran, npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2), }", new float[] {1f, 2f}));
        assertThatThrownBy(() -> NpyFloatMatrix.open(fortran)).hasMessageContaining("Fortran order");
        Path flat = tmp.resolve("flat.npy");
        Files.write(flat, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new float[] {1f, 2f}));
        assertThatThrownBy(() -> NpyFloatMatrix.open(flat)).hasMessageContaining("the contract is (N, D)");
        Path cube = tmp.resolve("cube.npy");
        Files.write(cube, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2), }", new float[] {1f, 2f}));
        assertThatThrownBy(() -> NpyFloatMatrix.open(cube)).hasMessageContaining("the contract is (N, D)");
    }

    @Test
    void refusesATruncatedFile() throws Exception {
        Path file = tmp.resolve("v.npy");
        NpyFloatMatrix.write(file, new float[][] {{1f, 2f}, {3f, 4f}});
        byte[] whole = Files.readAllBytes(file);
        Path shortData = tmp.resolve("short.npy");
        Files.write(shortData, Arrays.copyOf(whole, whole.length - 4));
        assertThatThrownBy(() -> NpyFloatMatrix.open(shortData)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("truncated");
        Path shortHeader = tmp.resolve("shortheader.npy");
        Files.write(shortHeader, Arrays.copyOf(whole, 30));
        assertThatThrownBy(() -> NpyFloatMatrix.open(shortHeader)).hasMessageContaining("truncated");
    }

    @Test
    void refusesWhatIsNotNpy() throws Exception {
        Path file = tmp.resolve("text.npy");
        Files.writeString(file, "item\tvector\n1\t0.5,0.5\n");
        assertThatThrownBy(() -> NpyFloatMatrix.open(file)).hasMessageContaining("not a .npy file");
        Path v2 = tmp.resolve("v2.npy");
        byte[] bytes = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }", new float[] {1f});
        bytes[6] = 2;
        Files.write(v2, bytes);
        assertThatThrownBy(() -> NpyFloatMatrix.open(v2)).hasMessageContaining("format 2.0");
    }

    /** A .npy 1.0 file with the given header dict, padded as NumPy pads it, and the given data. */
    private static byte[] npy(String dict, float[] data) {
        int unpadded = 10 + dict.length() + 1;
        int padded = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - unpadded) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (float f : data) {
            out.putFloat(f);
        }
        return out.array();
    }
}
