package io.moat.delivery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.persistence.MessageEntity;
import io.moat.persistence.MessageKind;
import io.moat.persistence.MessageRepository.PendingFile;
import io.moat.persistence.MessageSpool;
import io.moat.persistence.MessageState;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolReconcilerTest {

    @TempDir
    Path data;

    /** The records as the database would answer: these message ids exist, these have work ahead. */
    private static final class Records extends MessageSteps {
        final Set<String> recorded;
        final List<PendingFile> pending;
        final List<String> lost = new ArrayList<>();
        final List<Dsn> dsns = new ArrayList<>();
        /** What a claim finds, by id: its state now; absent: another node holds it. */
        final Map<String, MessageState> claimable = new HashMap<>();
        final List<String> released = new ArrayList<>();

        Records(Set<String> recorded, List<String> pending) {
            this.recorded = recorded;
            this.pending = pending.stream().map(id -> new PendingFile(id, id, MessageKind.INBOUND, "alice@sender.test",
                    List.of("bob@example.com"), Instant.now().minusSeconds(3600))).toList();
        }

        @Override
        public List<MessageSnapshot> claim(List<String> ids, String owner, Instant now, Instant until) {
            List<MessageSnapshot> held = new ArrayList<>();
            for (String id : ids) {
                MessageState state = claimable.get(id);
                if (state != null) {
                    MessageEntity m = new MessageEntity(id, MessageKind.INBOUND, "alice@sender.test",
                            List.of("bob@example.com"), id, 10, now.minusSeconds(3600));
                    m.moveTo(state, now);
                    held.add(MessageSnapshot.of(m));
                }
            }
            return held;
        }

        @Override
        public int release(List<String> ids) {
            released.addAll(ids);
            return ids.size();
        }

        @Override
        public List<String> recorded(List<String> spoolNames) {
            return spoolNames.stream().filter(recorded::contains).toList();
        }

        @Override
        public List<PendingFile> pendingFiles() {
            return pending;
        }

        @Override
        public void lost(String id, String reason, Dsn dsn, Instant now) {
            lost.add(id + ": " + reason);
            dsns.add(dsn);
        }
    }

    private void store(MessageSpool spool, String name) throws IOException {
        spool.store(name, new byte[0], new ByteArrayInputStream("Subject: x\r\n\r\nx\r\n".getBytes()));
    }

    @Test
    void aFileWithoutARecordIsSetApartAndARecordWithoutAFileFails() throws IOException {
        MessageSpool spool = new MessageSpool(data);
        store(spool, "kept");
        store(spool, "orphan");
        Records records = new Records(Set.of("kept", "gone"), List.of("kept", "gone"));

        SpoolReconciler.Result result = SpoolReconciler.reconcile(spool, records, "gateway.test");

        assertThat(result).isEqualTo(new SpoolReconciler.Result(1, 1, 0));
        assertThat(data.resolve("spool/orphaned/orphan")).exists();
        assertThat(records.lost).containsExactly("gone: its spool file was missing at start-up");
        // the sender heard 250: a DSN tells them the message is lost
        MessageSteps.Dsn dsn = records.dsns.get(0);
        assertThat(dsn.recipient()).isEqualTo("alice@sender.test");
        String report = Files.readString(spool.message(dsn.id()));
        assertThat(report).contains("Final-Recipient: rfc822; bob@example.com").contains("lost the message");
        assertThat(spool.storedNames()).containsExactlyInAnyOrder("kept", dsn.id());
    }

    @Test
    void partsOfMessagesWithNoWorkAheadAreRemovedAndTheOthersKept() throws IOException {
        MessageSpool spool = new MessageSpool(data);
        store(spool, "scanning");
        store(spool, "done");
        Files.createDirectories(spool.partsOf("scanning"));
        Files.write(spool.partsOf("scanning").resolve("0"), new byte[]{1});
        Files.createDirectories(spool.partsOf("done"));
        Files.write(spool.partsOf("done").resolve("0"), new byte[]{1});
        Records records = new Records(Set.of("scanning", "done"), List.of("scanning"));

        SpoolReconciler.Result result = SpoolReconciler.reconcile(spool, records, "gateway.test");

        assertThat(result).isEqualTo(new SpoolReconciler.Result(0, 0, 1));
        assertThat(spool.partsOf("scanning").resolve("0")).exists();
        assertThat(spool.partsOf("done")).doesNotExist();
        assertThat(spool.storedNames()).containsExactlyInAnyOrder("scanning", "done");
    }

    @Test
    void withASharedSpoolFilesAndPartsChangedWithinTheLeaseAreLeftToTheNodeWorkingOnThem() throws IOException {
        MessageSpool spool = new MessageSpool(data);
        store(spool, "old-orphan");
        store(spool, "young-orphan"); // another node's intake, between its file and its record
        Files.createDirectories(spool.partsOf("old-done"));
        Files.createDirectories(spool.partsOf("young")); // another node decoding a message recorded after we looked
        Instant settledBefore = Instant.now().minusSeconds(60);
        FileTime old = FileTime.from(settledBefore.minusSeconds(1));
        Files.setLastModifiedTime(spool.message("old-orphan"), old);
        Files.setLastModifiedTime(spool.partsOf("old-done"), old);
        Records records = new Records(Set.of(), List.of());

        SpoolReconciler.Result result = SpoolReconciler.reconcile(spool, records, "gateway.test", settledBefore);

        assertThat(result).isEqualTo(new SpoolReconciler.Result(1, 0, 1));
        assertThat(spool.storedNames()).containsExactly("young-orphan");
        assertThat(spool.partsOf("young")).isDirectory();
        assertThat(spool.partsOf("old-done")).doesNotExist();
    }

    @Test
    void withASharedSpoolAMessageIsJudgedLostOnlyOnceHeldStillPendingAndStillWithoutItsFile() throws IOException {
        MessageSpool spool = new MessageSpool(data);
        Records records = new Records(Set.of(), List.of("held-elsewhere", "delivered-meanwhile", "really-lost"));
        records.claimable.put("delivered-meanwhile", MessageState.DELIVERED); // another node finished it after we read
        records.claimable.put("really-lost", MessageState.QUEUED);

        SpoolReconciler.Result result = SpoolReconciler.reconcile(spool, records, "gateway.test",
                Instant.now().minusSeconds(60));

        assertThat(result.lostMessages()).isEqualTo(1);
        assertThat(records.lost).containsExactly("really-lost: its spool file was missing at start-up");
        assertThat(records.released).containsExactly("delivered-meanwhile");
    }

    @Test
    void syncingTheSpoolsDirectoryForcesTheDirectoryItself() throws IOException {
        MessageSpool spool = new MessageSpool(data);
        store(spool, "m");
        spool.syncDirectory(); // fsync(2) of a directory: must not fail on Linux file systems

        Files.delete(spool.message("m"));
        Files.delete(data.resolve("spool/messages"));
        assertThatThrownBy(spool::syncDirectory).isInstanceOf(NoSuchFileException.class);
    }
}
