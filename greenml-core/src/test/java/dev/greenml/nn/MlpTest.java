package dev.greenml.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greenml.tensor.Rng;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MlpTest {

    @Test
    void parameterShapesNameAndSizeEveryParameterWithoutBuildingTheModel() {
        Mlp.Config config = new Mlp.Config(new int[] {5, 7, 4, 2}, Activation.Kind.RELU);
        Map<String, int[]> shapes = config.parameterShapes();
        var params = new Mlp(config, new Rng(1)).namedParameters();

        assertThat(shapes.keySet()).containsExactlyElementsOf(params.keySet());
        params.forEach((name, t) -> assertThat(shapes.get(name)).as(name).containsExactly(t.shape()));
        assertThat(shapes.get("0.weight")).containsExactly(7, 5);
        assertThat(shapes.get("4.bias")).containsExactly(2);
    }
}
