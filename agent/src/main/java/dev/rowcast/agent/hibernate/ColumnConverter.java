package dev.rowcast.agent.hibernate;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * A basic property's value as its column holds it, for a value of a class Rowcast does not read (a
 * value object behind {@code @Convert}): Hibernate's own converter of the property, the one its
 * flush ran for the same value, asked through its public interface. Found once per property from
 * its Hibernate type: {@code getValueConverter()} (6.x, 7.x) or {@code getAttributeConverter()}
 * (5.x's AttributeConverterTypeAdapter), then {@code toRelationalValue}.
 */
final class ColumnConverter {

    private final Object converter;
    private final Method toRelational;

    private ColumnConverter(Object converter, Method toRelational) {
        this.converter = converter;
        this.toRelational = toRelational;
    }

    /** The converter of a property of this Hibernate type; null when it has none, or none can be called. */
    static ColumnConverter of(Object hibernateType) {
        if (hibernateType == null) {
            return null;
        }
        try {
            Object converter = call(hibernateType, "getValueConverter");
            if (converter == null) {
                converter = call(hibernateType, "getAttributeConverter");
            }
            Method toRelational = converter == null ? null : publicMethod(converter.getClass(), "toRelationalValue", Object.class);
            if (toRelational == null) {
                return null;
            }
            try {
                toRelational.setAccessible(true); // Method.invoke then skips its caller check on every row
            } catch (RuntimeException notOpen) {
                // a Hibernate in a named module that does not open the package: the check stays
            }
            return new ColumnConverter(converter, toRelational);
        } catch (Throwable unreadable) {
            // a type whose classes cannot all be loaded or read: its property is left out, the entity still captured
            return null;
        }
    }

    /** The column's value of this property value; what the app's converter throws is thrown on. */
    Object toColumn(Object value) throws ReflectiveOperationException {
        return toRelational.invoke(converter, value);
    }

    /** {@code target.name()} through a public declaration, or null when there is none or it fails. */
    private static Object call(Object target, String name) {
        Method method = publicMethod(target.getClass(), name);
        if (method == null) {
            return null;
        }
        try {
            return method.invoke(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The method as a public class or interface declares it, so that it can be called whatever the
     * implementing class's access (Hibernate's converters are often package-private or nested).
     */
    static Method publicMethod(Class<?> type, String name, Class<?>... parameters) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (Modifier.isPublic(c.getModifiers())) {
                try {
                    Method method = c.getDeclaredMethod(name, parameters);
                    if (Modifier.isPublic(method.getModifiers())) {
                        return method;
                    }
                } catch (NoSuchMethodException notHere) {
                    // its superclass or an interface may declare it
                }
            }
            for (Class<?> contract : c.getInterfaces()) {
                Method method = publicMethod(contract, name, parameters);
                if (method != null) {
                    return method;
                }
            }
        }
        return null;
    }
}
