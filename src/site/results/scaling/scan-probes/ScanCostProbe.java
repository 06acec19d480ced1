import ai.onnxruntime.*;
import java.nio.*;
import java.util.*;
/**
 * Times the scan graphs of scan_graphs.py in ONNX Runtime (one intra-op thread, batch 64, 232,000 rows of
 * 64 floats, k 60), interleaved over 7 rounds: java -cp target/nextitem.jar ScanCostProbe.java FILE:MODE ...
 * with MODE "in" (rows fed as an input), "ext" (rows as an in-memory external initializer) or "none".
 */
public class ScanCostProbe {
  public static void main(String[] a) throws Exception {
    var env = OrtEnvironment.getEnvironment();
    int rows = 232000, dim = 64, batch = 64;
    FloatBuffer fb = ByteBuffer.allocateDirect(rows*dim*4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    var r = new Random(1); for (int i=0;i<rows*dim;i++) fb.put((float)r.nextGaussian()); fb.flip();
    var items = OnnxTensor.createTensor(env, fb, new long[]{rows, dim});
    float[][] q = new float[batch][dim]; for (var row: q) for (int j=0;j<dim;j++) row[j]=(float)r.nextGaussian();
    var qt = OnnxTensor.createTensor(env, q); var kt = OnnxTensor.createTensor(env, new long[]{60}); // k: top-k plus seen items
    String[] names = a; OrtSession[] ss = new OrtSession[names.length]; List<Map<String,OnnxTensor>> ins = new ArrayList<>();
    for (int v=0; v<names.length; v++) {
      String[] p = names[v].split(":"); var opts = new OrtSession.SessionOptions(); opts.setIntraOpNumThreads(1);
      if (p[1].equals("ext")) opts.addExternalInitializers(Map.of("items", items));
      ss[v] = env.createSession(p[0], opts);
      var in = new HashMap<String,OnnxTensor>(); in.put("queries", qt); if (ss[v].getInputNames().contains("k")) in.put("k", kt);
      if (ss[v].getInputNames().contains("items")) in.put("items", items); ins.add(in);
    }
    double[][] t = new double[names.length][7];
    for (int round=0; round<7; round++) for (int v=0; v<names.length; v++) {
      for (int w=0; w<2; w++) ss[v].run(ins.get(v)).close();
      long t0 = System.nanoTime(); for (int w=0; w<10; w++) ss[v].run(ins.get(v)).close();
      t[v][round] = (System.nanoTime()-t0)/1e3/10/batch;
    }
    for (int v=0; v<names.length; v++) { Arrays.sort(t[v]); System.out.printf("%-32s median %.0f us/query (min %.0f max %.0f)%n", names[v], t[v][3], t[v][0], t[v][6]); }
  }
}
