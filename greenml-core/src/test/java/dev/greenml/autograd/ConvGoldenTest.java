package dev.greenml.autograd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greenml.kernels.Backend;
import dev.greenml.kernels.Backends;
import dev.greenml.kernels.OnEveryBackend;
import dev.greenml.nn.BatchNorm2d;
import dev.greenml.nn.Conv2d;
import dev.greenml.nn.MaxPool2d;
import dev.greenml.nn.Sequential;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.util.function.IntToDoubleFunction;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conv2d(2→3, 3, padding 1) → BatchNorm2d(3) → MaxPool2d(2) against PyTorch: forward in training
 * mode, running statistics, gradients of Σ y ⊙ r, and an eval-mode forward. The expected numbers
 * were printed by PyTorch 1.13 (Debian python3-torch, float32) running
 * tools/golden/conv_bn_pool_golden.py; inputs and weights are the same sin/cos formulas here.
 */
class ConvGoldenTest extends OnEveryBackend {


    @ParameterizedTest @MethodSource("backends")
    void convBatchNormMaxPoolMatchesPyTorch(Backend b) {
        Backends.setCurrent(b);
        Tensor x = fill(i -> Math.sin(0.7 * i + 0.3), 2, 2, 4, 4).requiresGrad(true);
        Conv2d conv = new Conv2d(2, 3, 3, 1, 1, new Rng(0));
        BatchNorm2d bn = new BatchNorm2d(3);
        copy(fill(i -> 0.2 * Math.cos(0.37 * i + 0.1), 3, 2, 3, 3), conv.weight);
        copy(fill(i -> 0.05 * i - 0.05, 3), conv.bias);
        copy(fill(i -> 1 + 0.1 * i, 3), bn.weight);
        copy(fill(i -> 0.1 * i - 0.1, 3), bn.bias);
        Sequential net = new Sequential(conv, bn, new MaxPool2d(2));

        Tensor y = net.forward(x);
        Tensor r = fill(i -> Math.cos(1.3 * i), y.shape());
        Ops.sum(Ops.mul(y, r)).backward();

        close(y.toArray(), Y_TRAIN);
        close(bn.runningMean.toArray(), RUNNING_MEAN);
        close(bn.runningVar.toArray(), RUNNING_VAR);
        close(x.grad().toArray(), DX);
        close(conv.weight.grad().toArray(), DW);
        close(conv.bias.grad().toArray(), DB);   // ≈ 0: batch statistics remove any per-channel shift
        close(bn.weight.grad().toArray(), DGAMMA);
        close(bn.bias.grad().toArray(), DBETA);
        net.eval();
        try (var scope = Autograd.noGrad()) {
            close(net.forward(x).toArray(), Y_EVAL);
        }
    }

    private static void close(float[] actual, float[] expected) {
        assertThat(actual).containsExactly(expected, Offset.offset(2e-5f));
    }

    private static Tensor fill(IntToDoubleFunction f, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.set(i, (float) f.applyAsDouble(i));
        return t;
    }

    private static void copy(Tensor from, Tensor to) {
        for (int i = 0; i < from.size(); i++) to.set(i, from.get(i));
    }

    // ---- printed by tools/golden/conv_bn_pool_golden.py ----
    static final float[] Y_TRAIN = {1.5402677f, 1.4176493f, 1.6658523f, 1.5803131f, 1.307317f, 1.5616032f, 2.0081666f, 2.2384284f, 0.80986905f, 1.5434448f, 2.2156804f, 2.860492f, 0.2409862f, 0.85877168f, 0.21126699f, -0.54166991f, 0.13524416f, 0.89178747f, 0.46918535f, -0.56035626f, 0.0051484047f, 1.0084808f, 0.73802447f, -0.10542085f};
    static final float[] RUNNING_MEAN = {-0.0038363859f, 0.00015197576f, 0.004119012f};
    static final float[] RUNNING_VAR = {0.91250801f, 0.9116804f, 0.90923512f};
    static final float[] Y_EVAL = {0.46159533f, 0.41691121f, 0.5073604f, 0.47618851f, 0.46216246f, 0.5517512f, 0.70908195f, 0.79020649f, 0.36933681f, 0.59945768f, 0.81033629f, 1.0126121f, -0.011883794f, 0.21324719f, -0.02271395f, -0.29709628f, 0.04922422f, 0.31576538f, 0.16687654f, -0.19584589f, 0.11689794f, 0.43164083f, 0.34679934f, 0.082212634f};
    static final float[] DX = {-0.064487383f, -0.43763348f, -1.0736986f, -1.0256115f, -0.61067629f, -1.8772943f, -1.8553729f, -1.2183119f, 0.554003f, -0.62018931f, -0.61208647f, -0.36439639f, -0.395832f, -0.55642319f, -0.18597658f, 0.65067554f, 0.17707454f, 0.7777971f, 1.3470641f, 1.1725777f, 0.63806331f, 1.9221376f, 1.7726438f, 1.1024966f, -0.45338976f, 0.65130794f, 0.59462643f, 0.18117768f, 0.45045894f, 0.37843147f, -0.010051228f, -0.7865997f, -1.1444666f, -1.2955647f, -1.432447f, -0.65921003f, -0.75238287f, 0.30584627f, 1.0483886f, 0.83024031f, 0.81005025f, 1.103195f, 2.7264314f, 1.1411464f, 0.41112652f, -0.21243678f, 0.17186749f, -0.54695678f, 1.1445222f, 1.2037733f, 1.1334f, 0.4465836f, 0.47298747f, -0.57960224f, -1.4469157f, -0.9097513f, -0.95818108f, -1.0897971f, -2.7056489f, -0.99779266f, -0.39719138f, 0.27975243f, -0.023162223f, 0.57163799f};
    static final float[] DW = {0.44941548f, 0.2434976f, 1.6002901f, 1.2607372f, 4.3176556f, 2.1608541f, -0.55947018f, -1.9113139f, -0.1069869f, 1.4730878f, -1.1772542f, 1.9004413f, -4.4763813f, 0.52461815f, 0.74000567f, 0.86015511f, -2.0455623f, -2.0826063f, 4.9959126f, 3.0228472f, 0.77987665f, -1.2536302f, 1.0759226f, 2.8653743f, 1.5095036f, 0.92941386f, -1.1732248f, 1.9565609f, 4.487843f, 2.1745064f, -2.9921277f, -2.8358464f, 1.7854378f, 0.71680737f, 1.8756162f, -0.97273219f, -1.6043503f, -4.4217486f, -4.4026966f, 1.6650686f, 3.6467202f, 3.9975405f, 3.3336813f, -0.96079957f, -4.9368238f, 4.4922738f, 2.0819378f, -3.4508457f, -5.959446f, -1.4016312f, 3.8372037f, 7.5288939f, 4.9332938f, -0.047181368f};
    static final float[] DB = {-2.3841858e-07f, 2.0861626e-07f, -1.2293458e-06f};
    static final float[] DGAMMA = {-1.483829f, -1.269542f, 0.68455738f};
    static final float[] DBETA = {-0.087100714f, -0.066755176f, 0.024548888f};
}
