package io.moat.web.internal;

import io.moat.web.ProblemException;
import java.util.Arrays;
import java.util.Locale;

/** Enumerations as the API's JSON carries them (strings, any case), parsed with the field's name for the refusal. */
final class EnumValues {

    private EnumValues() {
    }

    /**
     * The constant {@code value} names (null when it is blank: the service's default).
     *
     * @param title the refusal's title ("Invalid security rule")
     */
    static <E extends Enum<E>> E parse(Class<E> type, String value, String field, String title) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, title, field + ": '" + value + "' is not one of "
                    + Arrays.toString(type.getEnumConstants()));
        }
    }
}
