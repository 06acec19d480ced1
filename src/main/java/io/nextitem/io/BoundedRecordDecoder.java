package io.nextitem.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding of one record's bytes that refuses, before allocating anything, a
 * declared length or item count the record cannot hold. Avro's own decoder allocates whatever a
 * string or bytes length says (its only bound is ~2 GiB), so a 70-byte record declaring a 1 GiB
 * string exhausts the task manager's heap: one bad producer would crash-loop the job. Here a
 * length past the record's end is an {@link EOFException} (the record is truncated) and a
 * negative one an {@link AvroRuntimeException} (malformed), as Avro reports them.
 *
 * <p>Item counts are checked against the bytes left too: every array or map item of a click
 * takes at least one byte. Primitive reads go to Avro's unbuffered decoder, so the bytes left
 * are known exactly. Not thread-safe; {@link #reset} reuses it for the next record.
 */
final class BoundedRecordDecoder extends Decoder {
    private final RecordBytes input = new RecordBytes();
    private BinaryDecoder direct;

    /** Points the decoder at value[offset, value.length). */
    BoundedRecordDecoder reset(byte[] value, int offset) {
        input.reset(value, offset);
        direct = DecoderFactory.get().directBinaryDecoder(input, direct);
        return this;
    }

    boolean isEnd() {
        return input.available() == 0;
    }

    private int checkedLength(long declared, String what) throws IOException {
        if (declared < 0) {
            throw new AvroRuntimeException("Malformed data: " + what + " length " + declared + " is negative");
        }
        if (declared > input.available()) {
            throw new EOFException(what + " declares " + declared + " bytes, the record has " + input.available() + " left");
        }
        return (int) declared;
    }

    private long checkedItems(long declared, String what) throws IOException {
        if (declared > input.available()) {
            throw new EOFException(what + " declares " + declared + " items, the record has " + input.available()
                    + " bytes left");
        }
        return declared;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = checkedLength(direct.readLong(), "string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        direct.readFixed(result.getBytes(), 0, length);
        return result;
    }

    @Override
    public String readString() throws IOException {
        return readString(null).toString();
    }

    @Override
    public void skipString() throws IOException {
        direct.skipFixed(checkedLength(direct.readLong(), "string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = checkedLength(direct.readLong(), "bytes");
        byte[] bytes = new byte[length];
        direct.readFixed(bytes, 0, length);
        return ByteBuffer.wrap(bytes);
    }

    @Override
    public void skipBytes() throws IOException {
        direct.skipFixed(checkedLength(direct.readLong(), "bytes"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        direct.readFixed(bytes, start, checkedLength(length, "fixed"));
    }

    @Override
    public void skipFixed(int length) throws IOException {
        direct.skipFixed(checkedLength(length, "fixed"));
    }

    @Override
    public long readArrayStart() throws IOException {
        return checkedItems(direct.readArrayStart(), "array");
    }

    @Override
    public long arrayNext() throws IOException {
        return checkedItems(direct.arrayNext(), "array");
    }

    @Override
    public long skipArray() throws IOException {
        return direct.skipArray();
    }

    @Override
    public long readMapStart() throws IOException {
        return checkedItems(direct.readMapStart(), "map");
    }

    @Override
    public long mapNext() throws IOException {
        return checkedItems(direct.mapNext(), "map");
    }

    @Override
    public long skipMap() throws IOException {
        return direct.skipMap();
    }

    @Override
    public void readNull() throws IOException {
        direct.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return direct.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return direct.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return direct.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return direct.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return direct.readDouble();
    }

    @Override
    public int readEnum() throws IOException {
        return direct.readEnum();
    }

    @Override
    public int readIndex() throws IOException {
        return direct.readIndex();
    }

    /** An unsynchronised view of one record's bytes whose {@link #available} is exact. */
    private static final class RecordBytes extends InputStream {
        private byte[] bytes = new byte[0];
        private int position;

        void reset(byte[] value, int offset) {
            bytes = value;
            position = offset;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] target, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            int n = Math.min(length, bytes.length - position);
            if (n <= 0) {
                return -1;
            }
            System.arraycopy(bytes, position, target, offset, n);
            position += n;
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(n, bytes.length - position));
            position += (int) skipped;
            return skipped;
        }

        @Override
        public int available() {
            return bytes.length - position;
        }
    }
}
