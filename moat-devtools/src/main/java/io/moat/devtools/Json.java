package io.moat.devtools;

/** Hand-written JSON output: just string quoting, the emulator builds its few documents itself. */
final class Json {

    private Json() {
    }

    /** The JSON string literal for {@code s}, quotes included; {@code null} becomes the empty string. */
    static String quote(String s) {
        String v = s == null ? "" : s;
        StringBuilder sb = new StringBuilder(v.length() + 2).append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** {@code {"err":"<message>"}}. */
    static String error(String message) {
        return "{\"err\":" + quote(message) + "}";
    }
}
