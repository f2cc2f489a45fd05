package io.moat.web.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuarantinePagesTest {

    /** Methods that change nothing but what the page shows: a confirmation taken back, the list read. */
    private static final Set<String> VIEW_ONLY = Set.of("keep", "cancel", "search");

    @Test
    void everyActionOfTheQuarantinePagesAndOfRetentionIsForTheAdminAloneWhateverThePageShows() {
        List<Method> actions = Arrays.stream(new Class<?>[]{QuarantineView.class, QuarantinedMessageView.class,
                RetentionView.class}).flatMap(c -> Arrays.stream(c.getDeclaredMethods()))
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.getName().matches("(get|set|is)[A-Z].*")
                        && !VIEW_ONLY.contains(m.getName()))
                .toList();

        assertThat(actions).extracting(m -> m.getDeclaringClass().getSimpleName() + "." + m.getName())
                .contains("QuarantineView.release", "QuarantineView.delete", "QuarantinedMessageView.rescan",
                        "QuarantinedMessageView.download", "RetentionView.purgeNow");
        assertThat(actions).allSatisfy(m -> assertThat(m.isAnnotationPresent(AdminOnly.class))
                .as(m.getDeclaringClass().getSimpleName() + "." + m.getName()).isTrue());
    }
}
