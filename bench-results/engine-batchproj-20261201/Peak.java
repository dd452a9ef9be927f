import jdk.incubator.vector.*;
public class Peak {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
  static float run(long n, float[] seed) {
    FloatVector a = FloatVector.fromArray(S, seed, 0), b = FloatVector.fromArray(S, seed, 16);
    FloatVector c0=a,c1=b,c2=a,c3=b,c4=a,c5=b,c6=a,c7=b,c8=a,c9=b,c10=a,c11=b;
    for (long i=0;i<n;i++){ c0=c0.fma(a,b);c1=c1.fma(a,b);c2=c2.fma(a,b);c3=c3.fma(a,b);c4=c4.fma(a,b);c5=c5.fma(a,b);
      c6=c6.fma(a,b);c7=c7.fma(a,b);c8=c8.fma(a,b);c9=c9.fma(a,b);c10=c10.fma(a,b);c11=c11.fma(a,b);}
    return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).reduceLanes(VectorOperators.ADD);
  }
  public static void main(String[] x){
    float[] seed=new float[32]; for(int i=0;i<32;i++) seed[i]=i==0?1f:0.999999f*0f+ (i<16?1f:0f);
    var mx=java.lang.management.ManagementFactory.getThreadMXBean();
    for(int r=0;r<8;r++){ long n=50_000_000L; long c0=mx.getCurrentThreadCpuTime(); long t0=System.nanoTime(); float v=run(n,seed); long t=System.nanoTime()-t0; long c=mx.getCurrentThreadCpuTime()-c0;
      System.out.printf("zmm FMA/s wall %.2fG  per CPU-s %.2fG (%f)%n", 12.0*n/t, 12.0*n/c, v);}
  }
}
