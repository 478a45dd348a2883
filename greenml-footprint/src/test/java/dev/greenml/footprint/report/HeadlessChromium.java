package dev.greenml.footprint.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's chromium, headless, to load a report as a reader's browser would. Every run gets a fresh
 * profile and a proxy on a port nobody listens on, so a page that tried to load anything from the
 * network would fail to (and its error recorder would say so).
 */
final class HeadlessChromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");

    private HeadlessChromium() {}

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** The DOM after the page's scripts ran (5 s of virtual time). */
    static String dumpDom(Path html, Path workDir) throws IOException, InterruptedException {
        return run(workDir, List.of("--dump-dom", html.toUri().toString()));
    }

    /** Writes a screenshot of the page at width × height pixels. */
    static void screenshot(Path html, Path png, int width, int height, Path workDir) throws IOException, InterruptedException {
        run(workDir, List.of("--hide-scrollbars", "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                html.toUri().toString()));
    }

    private static String run(Path workDir, List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(workDir, "chromium-profile");
        Path out = workDir.resolve("chromium-" + System.nanoTime() + ".out"), err = workDir.resolve(out.getFileName() + ".err");
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--proxy-server=127.0.0.1:9", "--virtual-time-budget=5000"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 120 s: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("chromium exited with " + p.exitValue() + ": " + Files.readString(err, StandardCharsets.UTF_8));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
