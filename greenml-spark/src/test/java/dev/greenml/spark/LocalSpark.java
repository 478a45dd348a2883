package dev.greenml.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One Spark context in local mode with two task threads, started on first use and shared by the
 * test classes (starting one takes seconds); Spark's shutdown hook stops it when the JVM exits.
 */
final class LocalSpark {

    private static JavaSparkContext sc;

    private LocalSpark() {}

    static synchronized JavaSparkContext context() {
        if (sc == null) {
            SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("greenml-spark-tests")
                    .set("spark.ui.enabled", "false").set("spark.serializer", System.getProperty("test.serializer", "org.apache.spark.serializer.JavaSerializer"))
                    .set("spark.driver.host", "127.0.0.1");
            sc = new JavaSparkContext(conf);
            sc.setLogLevel("WARN");
        }
        return sc;
    }
}
