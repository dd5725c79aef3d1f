package dev.rowcast.bench;

import java.io.PrintStream;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * JMH's own command line, plus one line per benchmark giving its ratio to its peer: the method of
 * the same class (and parameters) whose name starts with {@code peer}, measured in the same run.
 * A bare time says little on a shared machine; a ratio against a peer run next to it does.
 */
public final class BenchMain {

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        CommandLineOptions options = new CommandLineOptions(args);
        if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams()
                || options.shouldListProfilers() || options.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        printRatios(new Runner(options).run(), System.out);
    }

    static void printRatios(Collection<RunResult> results, PrintStream out) {
        Map<String, RunResult> peers = new LinkedHashMap<>();
        for (RunResult result : results) {
            if (method(result.getParams()).startsWith("peer")) {
                peers.put(group(result.getParams()), result);
            }
        }
        if (peers.isEmpty()) {
            return;
        }
        out.println();
        out.println("Ratios to the peer measured in the same run (higher is faster for throughput):");
        for (RunResult result : results) {
            RunResult peer = peers.get(group(result.getParams()));
            if (peer == null || peer == result) {
                continue;
            }
            double score = result.getPrimaryResult().getScore();
            double peerScore = peer.getPrimaryResult().getScore();
            out.printf("  %s: %.1fx %s (%,.0f vs %,.0f %s)%n", result.getParams().getBenchmark(), score / peerScore,
                    method(peer.getParams()), score, peerScore, result.getPrimaryResult().getScoreUnit());
        }
    }

    private static String method(BenchmarkParams params) {
        String name = params.getBenchmark();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static String group(BenchmarkParams params) {
        String name = params.getBenchmark();
        StringBuilder key = new StringBuilder(name.substring(0, name.lastIndexOf('.'))).append(params.getMode());
        for (String param : params.getParamsKeys()) {
            key.append(';').append(param).append('=').append(params.getParam(param));
        }
        return key.toString();
    }
}
