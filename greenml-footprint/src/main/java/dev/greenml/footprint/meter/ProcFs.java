package dev.greenml.footprint.meter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads the few procfs files the models need, under a configurable root (tests use a temp dir). */
public final class ProcFs {

    /** Linux reports times in /proc/[pid]/stat in USER_HZ, which the x86-64 and arm64 ABIs fix at 100. */
    static final double TICKS_PER_SECOND = 100.0;

    /** CPU times of one process, in seconds; {@code children} = reaped descendants (cutime + cstime). */
    public record Times(long pid, long ppid, double own, double children) {}

    private final Path proc;

    public ProcFs(Path root) { this.proc = root.resolve("proc"); }

    public Path dir() { return proc; }

    /** Times of {@code pidOrSelf} ("self" or a number), or null when the process is gone. */
    public Times times(String pidOrSelf) {
        try {
            String stat = Files.readString(proc.resolve(pidOrSelf).resolve("stat"));
            // the command name (field 2) may contain spaces and parentheses: parse after the last ')'
            int close = stat.lastIndexOf(')');
            long pid = Long.parseLong(stat.substring(0, stat.indexOf(' ')).strip());
            String[] f = stat.substring(close + 2).strip().split("\\s+");
            // f[0] is field 3 (state); field n is f[n - 3]
            long ppid = Long.parseLong(f[1]);
            double own = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
            double kids = (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND;
            return new Times(pid, ppid, own, kids);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Resident set size of a process in bytes (VmRSS), or 0 when unknown. */
    public long rssBytes(String pidOrSelf) {
        try {
            for (String line : Files.readAllLines(proc.resolve(pidOrSelf).resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).strip().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // the kernel writes kB meaning KiB
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone or unreadable
        }
        return 0;
    }

    /** Total memory of the machine in bytes (MemTotal of /proc/meminfo), or 0 when unknown. */
    public long memTotalBytes() {
        try {
            for (String line : Files.readAllLines(proc.resolve("meminfo"))) {
                if (line.startsWith("MemTotal:")) return Long.parseLong(line.substring(9).strip().split("\\s+")[0]) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return 0;
    }

    /** The process and all its live descendants, found by scanning every /proc/[pid]/stat for parent links. */
    public List<Times> tree(long rootPid) {
        Map<Long, List<Times>> byParent = new HashMap<>();
        Times root = null;
        try (Stream<Path> dirs = Files.list(proc)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                Times t = times(name);
                if (t == null) continue;
                if (t.pid() == rootPid) root = t;
                byParent.computeIfAbsent(t.ppid(), k -> new ArrayList<>()).add(t);
            }
        } catch (IOException e) {
            return List.of();
        }
        if (root == null) return List.of();
        List<Times> out = new ArrayList<>();
        ArrayDeque<Times> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Times t = todo.pop();
            out.add(t);
            todo.addAll(byParent.getOrDefault(t.pid(), List.of()));
        }
        return out;
    }
}
