package dev.greenml.spark;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * For clusters that use Kryo ({@code spark.serializer=org.apache.spark.serializer.KryoSerializer}):
 * Spark's Kryo 4 cannot serialize Java records with its field serializer ("can't get field offset
 * on a record class"), so greenml's records travel with Java serialization inside Kryo. Enable with
 * {@code --conf spark.kryo.registrator=dev.greenml.spark.KryoRegistration}. Kryo also needs
 * {@code --add-opens} for java.nio, java.lang.invoke and java.util on JDK 25 (docs/spark.md).
 */
public final class KryoRegistration implements KryoRegistrator {

    @Override public void registerClasses(Kryo kryo) {
        var java = new com.esotericsoftware.kryo.serializers.JavaSerializer();
        kryo.register(TrainingRow.class, java);
        kryo.register(RoundStart.class, java);
        kryo.register(WeightedSum.class, java);
        kryo.register(Shard.class, java);
    }
}
