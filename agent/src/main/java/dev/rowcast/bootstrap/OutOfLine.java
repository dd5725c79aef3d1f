package dev.rowcast.bootstrap;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A bridge method the JIT compiles on its own and calls, never inlines into the app's method that
 * the advice is in. Inlined, the agent's work behind it made the driver's small methods (a
 * {@code setLong}, a {@code commit()}) too large in compiled code for C2 to inline them into the
 * app's own loop, which then called them. As the bridge goes on the boot class path, its class
 * files name the JDK's {@code jdk.internal.vm.annotation.DontInline} instead (see
 * {@code BootstrapInjector}), which the JVM honours in the boot class loader's classes only.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OutOfLine {
}
