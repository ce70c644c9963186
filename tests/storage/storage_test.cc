#include <filesystem>
#include <map>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "pfx/v1/common.pb.h"
#include "pfx/v1/peering.pb.h"
#include "storage/database.h"
#include "storage/event_log.h"
#include "storage/keys.h"
#include "storage/messages.h"
#include "storage/records.h"
#include "storage/validation_queue.h"

namespace pfx {
namespace {

class StorageTest : public testing::Test {
 protected:
  void SetUp() override {
    path_ = absl::StrCat(testing::TempDir(), "/storage_test_", getpid(), "_",
                         testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    Reopen();
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(path_);
  }
  void Reopen() {
    db_.reset();
    auto db = Database::Open(path_);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  v1::ValidationTarget Target(const char* name) {
    v1::ValidationTarget t;
    t.set_kind(v1::ValidationTarget::KIND_REGISTERED_PREFIX);
    t.set_parent("peering-1");
    t.set_name(name);
    return t;
  }

  std::string path_;
  std::unique_ptr<Database> db_;
};

TEST_F(StorageTest, SyncedCommitSurvivesReopen) {
  v1::Peering p;
  p.set_name("voice-1");
  p.set_peer_asn(13335);
  WriteSet w;
  ASSERT_TRUE(PutMessage(*db_, w, Column::kPeerings, "voice-1", p).ok());
  w.Put(Column::kIdxAsn, keys::Asn(13335), "voice-1");
  ASSERT_TRUE(db_->Commit(w, Durability::kSynced).ok());
  Reopen();
  auto got = GetMessage<v1::Peering>(*db_, Column::kPeerings, "voice-1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->peer_asn(), 13335);
  EXPECT_TRUE(db_->Get(Column::kIdxAsn, keys::Asn(13335))->has_value());
  EXPECT_FALSE(GetMessage<v1::Peering>(*db_, Column::kPeerings, "other")->has_value());
}

TEST_F(StorageTest, RefusesNewerSchema) {
  WriteSet w;
  w.Put(Column::kMeta, "schema_version", "99");
  ASSERT_TRUE(db_->Commit(w, Durability::kSynced).ok());
  db_.reset();
  auto db = Database::Open(path_);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(StorageTest, ListPagesThroughChildrenOfOneParent) {
  WriteSet w;
  for (int i = 0; i < 5; ++i) {
    v1::Peering p;
    p.set_name(absl::StrCat("p", i));
    ASSERT_TRUE(PutMessage(*db_, w, Column::kPeerings, keys::Child("a", p.name()), p).ok());
    ASSERT_TRUE(PutMessage(*db_, w, Column::kPeerings, keys::Child("b", p.name()), p).ok());
  }
  ASSERT_TRUE(db_->Commit(w, Durability::kSynced).ok());
  std::vector<std::string> names;
  std::string token;
  int pages = 0;
  do {
    auto page =
        ListMessages<v1::Peering>(*db_, Column::kPeerings, keys::ChildrenStart("a"), token, 2);
    ASSERT_TRUE(page.ok()) << page.status();
    for (auto& p : page->items) names.push_back(p.name());
    token = page->next_page_token;
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(names, (std::vector<std::string>{"p0", "p1", "p2", "p3", "p4"}));
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(
      ListMessages<v1::Peering>(*db_, Column::kPeerings, "", "!!notatoken", 2).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ListMessages<v1::Peering>(*db_, Column::kPeerings, "", "", -1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Tokens are bound to the listing (column and key prefix) they were issued for, survive a
// reopen (the secret is stored), and anything else is refused naming page_token.
TEST_F(StorageTest, PageTokensAreBoundToTheirListing) {
  WriteSet w;
  for (int i = 0; i < 3; ++i) {
    v1::Peering p;
    p.set_name(absl::StrCat("p", i));
    ASSERT_TRUE(PutMessage(*db_, w, Column::kPeerings, p.name(), p).ok());
    ASSERT_TRUE(PutMessage(*db_, w, Column::kPeeringServices, p.name(), p).ok());
  }
  ASSERT_TRUE(db_->Commit(w, Durability::kSynced).ok());
  auto first = ListMessages<v1::Peering>(*db_, Column::kPeerings, "", "", 1);
  ASSERT_TRUE(first.ok());
  const std::string token = first->next_page_token;
  ASSERT_FALSE(token.empty());
  auto refused = [&](Column column, absl::string_view key_prefix, absl::string_view t) {
    auto page = ListMessages<v1::Peering>(*db_, column, key_prefix, t, 1);
    return page.status().code() == absl::StatusCode::kInvalidArgument &&
           absl::StartsWith(page.status().message(), "page_token:");
  };
  EXPECT_TRUE(refused(Column::kPeeringServices, "", token)) << "another column";
  EXPECT_TRUE(refused(Column::kPeerings, "p", token)) << "another key prefix (filter)";
  std::string tampered = token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(refused(Column::kPeerings, "", tampered));
  // What an unsigned token of the old format looked like: the next key, base64.
  EXPECT_TRUE(refused(Column::kPeerings, "", "cDE="));
  Reopen();
  auto second = ListMessages<v1::Peering>(*db_, Column::kPeerings, "", token, 1);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].name(), "p1");
}

TEST_F(StorageTest, QueueResumesAfterReopenAndDeduplicates) {
  {
    auto q = ValidationQueue::Open(db_.get());
    ASSERT_TRUE(q.ok());
    ASSERT_TRUE((*q)->Enqueue({Target("a"), Target("b"), Target("a")}, Durability::kSynced).ok());
    EXPECT_EQ((*q)->waiting(), 2u);
    auto item = (*q)->Pop(absl::Seconds(1));
    ASSERT_TRUE(item.has_value());
    EXPECT_EQ(item->target.name(), "a");
    // Popped but not completed: still durable.
  }
  Reopen();
  auto q = ValidationQueue::Open(db_.get());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)->waiting(), 2u);
  auto a = (*q)->Pop(absl::Seconds(1));
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->target.name(), "a");
  WriteSet w;
  (*q)->Complete(w, *a);
  ASSERT_TRUE(db_->Commit(w, Durability::kSynced).ok());
  (*q)->Release(*a);
  Reopen();
  auto q2 = ValidationQueue::Open(db_.get());
  EXPECT_EQ((*q2)->waiting(), 1u);
}

TEST_F(StorageTest, TransientEntriesLeaveNoRows) {
  {
    auto q = std::move(*ValidationQueue::Open(db_.get()));
    q->EnqueueTransient({Target("a"), Target("b"), Target("a")});
    EXPECT_EQ(q->waiting(), 2u);
    auto a = q->Pop(absl::Seconds(1));
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->seq, 0u);
    WriteSet w;
    q->Complete(w, *a);  // nothing to delete
    EXPECT_EQ(w.size(), 0u);
    q->Release(*a);
  }
  Reopen();
  auto q = std::move(*ValidationQueue::Open(db_.get()));
  EXPECT_EQ(q->waiting(), 0u);  // "b" was never written: a restart forgets it
}

TEST_F(StorageTest, DurableStageOfATransientlyWaitingTargetWritesItsRow) {
  {
    auto q = std::move(*ValidationQueue::Open(db_.get()));
    q->EnqueueTransient({Target("a")});
    ASSERT_TRUE(q->Enqueue({Target("a")}, Durability::kSynced).ok());
    EXPECT_EQ(q->waiting(), 1u);  // still one entry, now standing for the row
    auto a = q->Pop(absl::Seconds(1));
    ASSERT_TRUE(a.has_value());
    EXPECT_NE(a->seq, 0u);  // so completing it deletes the row
  }
  Reopen();
  auto q = std::move(*ValidationQueue::Open(db_.get()));
  EXPECT_EQ(q->waiting(), 1u);  // popped, never completed: the row survives
  auto a = q->Pop(absl::Seconds(1));
  ASSERT_TRUE(a.has_value());
  WriteSet w;
  q->Complete(w, *a);
  ASSERT_TRUE(db_->Commit(w, Durability::kSynced).ok());
  Reopen();
  EXPECT_EQ((*ValidationQueue::Open(db_.get()))->waiting(), 0u);
}

// Two producers that each stage a row for one target before either publishes (a registry
// mutation and a worker's requeue, say) leave one waiting entry, whose completion deletes
// both rows: none is left to validate again after a restart.
TEST_F(StorageTest, RacingDurableStagesLeaveOneEntryAndNoRowBehind) {
  {
    auto q = std::move(*ValidationQueue::Open(db_.get()));
    WriteSet first, second;
    std::optional<QueueItem> a1 = q->Stage(first, Target("a"));
    std::optional<QueueItem> a2 = q->Stage(second, Target("a"));
    ASSERT_TRUE(a1.has_value() && a2.has_value());
    ASSERT_TRUE(db_->Commit(first, Durability::kSynced).ok());
    ASSERT_TRUE(db_->Commit(second, Durability::kSynced).ok());
    q->Publish(*a1);
    q->Publish(*a2);
    EXPECT_EQ(q->waiting(), 1u);
    auto a = q->Pop(absl::Seconds(1));
    ASSERT_TRUE(a.has_value());
    WriteSet done;
    q->Complete(done, *a);
    ASSERT_TRUE(db_->Commit(done, Durability::kSynced).ok());
    q->Release(*a);
  }
  Reopen();
  EXPECT_EQ((*ValidationQueue::Open(db_.get()))->waiting(), 0u);
}

TEST_F(StorageTest, QueueNeverHandsOneTargetToTwoWorkers) {
  auto q = std::move(*ValidationQueue::Open(db_.get()));
  ASSERT_TRUE(q->Enqueue({Target("a")}, Durability::kBuffered).ok());
  auto first = q->Pop(absl::Seconds(1));
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(q->Enqueue({Target("a")}, Durability::kBuffered).ok());  // changed meanwhile
  EXPECT_EQ(q->waiting(), 1u);
  EXPECT_FALSE(q->Pop(absl::Milliseconds(50)).has_value());
  q->Release(*first);
  auto second = q->Pop(absl::Seconds(1));
  ASSERT_TRUE(second.has_value());
  EXPECT_GT(second->seq, first->seq);
}

TEST_F(StorageTest, ConcurrentWorkersTakeEachEntryExactlyOnce) {
  auto q = std::move(*ValidationQueue::Open(db_.get()));
  constexpr int kTargets = 500;
  absl::Mutex mu;
  std::map<std::string, int> taken;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (auto item = q->Pop(absl::Milliseconds(200))) {
        {
          absl::MutexLock lock(&mu);
          ++taken[item->target.name()];
        }
        WriteSet done;
        q->Complete(done, *item);
        ASSERT_TRUE(db_->Commit(done, Durability::kBuffered).ok());
        q->Release(*item);
      }
    });
  }
  std::vector<v1::ValidationTarget> targets;
  for (int i = 0; i < kTargets; ++i) targets.push_back(Target(absl::StrCat("t", i).c_str()));
  ASSERT_TRUE(q->Enqueue(targets, Durability::kBuffered).ok());
  for (auto& t : workers) t.join();
  EXPECT_EQ(taken.size(), static_cast<size_t>(kTargets));
  for (const auto& [name, count] : taken) EXPECT_EQ(count, 1) << name;
  EXPECT_EQ(q->waiting(), 0u);
}

TEST_F(StorageTest, ShutdownWakesWaiters) {
  auto q = std::move(*ValidationQueue::Open(db_.get()));
  std::thread t([&] { EXPECT_FALSE(q->Pop(absl::Seconds(30)).has_value()); });
  absl::SleepFor(absl::Milliseconds(20));
  q->Shutdown();
  t.join();
}

TEST_F(StorageTest, EventLogKeepsOrderAndDeletes) {
  auto log = std::move(*EventLog::Open(db_.get()));
  WriteSet w;
  for (int i = 0; i < 5; ++i) {
    v1::PrefixEvent e;
    e.set_event_summary(absl::StrCat("e", i));
    log->Append(w, EventLog::kRegisteredPrefix, keys::Child("p", "r1"), e);
    log->Append(w, EventLog::kRegisteredPrefix, keys::Child("p", "r10"), e);
  }
  ASSERT_TRUE(db_->Commit(w, Durability::kSynced).ok());
  auto recent = log->Recent(EventLog::kRegisteredPrefix, keys::Child("p", "r1"), 3);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 3u);
  EXPECT_EQ((*recent)[0].event_summary(), "e2");
  EXPECT_EQ((*recent)[2].event_summary(), "e4");
  WriteSet d;
  ASSERT_TRUE(log->DeleteAll(d, EventLog::kRegisteredPrefix, keys::Child("p", "r1")).ok());
  EXPECT_EQ(d.size(), 5u);  // r10's events are not r1's
  ASSERT_TRUE(db_->Commit(d, Durability::kSynced).ok());
  Reopen();
  auto log2 = std::move(*EventLog::Open(db_.get()));
  EXPECT_TRUE(log2->Recent(EventLog::kRegisteredPrefix, keys::Child("p", "r1"), 10)->empty());
  EXPECT_EQ(log2->Recent(EventLog::kRegisteredPrefix, keys::Child("p", "r10"), 10)->size(), 5u);
}

// Every field of a reply comes from the record field of the same name (so a field added to
// both is carried over or this fails), and the bookkeeping the record has beyond them is not.
template <typename Record, typename Reply>
void ExpectEveryReplyFieldCarried() {
  Record record;
  const auto* rd = Record::descriptor();
  const auto* reflection = record.GetReflection();
  for (int i = 0; i < rd->field_count(); ++i) {
    const auto* f = rd->field(i);
    using google::protobuf::FieldDescriptor;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        reflection->SetString(&record, f, absl::StrCat("value of ", f->name()));
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        reflection->SetEnumValue(&record, f, f->enum_type()->value(1)->number());
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (f->is_map()) break;  // observed_origins, set below
        if (f->is_repeated()) {
          reflection->AddMessage(&record, f);
        } else {
          reflection->MutableMessage(&record, f);  // present, empty
        }
        break;
      default:
        break;
    }
  }
  (*record.mutable_observed_origins())["r|192.0.2.1"] = 64496;
  Reply reply = ToApi(record, /*with_events=*/true);
  const auto* pd = Reply::descriptor();
  for (int i = 0; i < pd->field_count(); ++i) {
    const auto* f = pd->field(i);
    const auto* from = rd->FindFieldByName(f->name());
    ASSERT_NE(from, nullptr) << f->name() << " has no record field";
    EXPECT_EQ(from->number(), f->number()) << f->name() << ": keep records wire-compatible";
    if (f->is_repeated()) {
      EXPECT_EQ(reply.GetReflection()->FieldSize(reply, f), 1) << f->name();
    } else if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
      EXPECT_EQ(reply.GetReflection()->GetString(reply, f), absl::StrCat("value of ", f->name()));
    } else {
      EXPECT_TRUE(reply.GetReflection()->HasField(reply, f)) << f->name() << " not carried";
    }
  }
  EXPECT_EQ(reply.GetReflection()->GetUnknownFields(reply).field_count(), 0);
  EXPECT_EQ(ToApi(record, /*with_events=*/false).events_size(), 0);
}

TEST(RecordsTest, RepliesCarryEveryApiFieldAndNoBookkeeping) {
  ExpectEveryReplyFieldCarried<RegisteredPrefixRecord, v1::RegisteredPrefix>();
  ExpectEveryReplyFieldCarried<PeeringServicePrefixRecord, v1::PeeringServicePrefix>();
}

// Sets every field of `m`, recursing into messages (two elements per repeated field), to a
// value that is not the default; returns `m`.
void FillEveryField(google::protobuf::Message& m) {
  using google::protobuf::FieldDescriptor;
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    for (int n = 0; n < (f->is_repeated() ? 2 : 1); ++n) {
      std::string text = absl::StrCat("value ", n, " of ", f->name());
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING:
          f->is_repeated() ? r->AddString(&m, f, text) : r->SetString(&m, f, text);
          break;
        case FieldDescriptor::CPPTYPE_INT32:
          f->is_repeated() ? r->AddInt32(&m, f, 7 + n) : r->SetInt32(&m, f, 7 + n);
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          f->is_repeated() ? r->AddInt64(&m, f, 64496 + n) : r->SetInt64(&m, f, 64496 + n);
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          f->is_repeated() ? r->AddUInt32(&m, f, 64496 + n) : r->SetUInt32(&m, f, 64496 + n);
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          f->is_repeated() ? r->AddBool(&m, f, true) : r->SetBool(&m, f, true);
          break;
        case FieldDescriptor::CPPTYPE_ENUM: {
          int value = f->enum_type()->value(f->enum_type()->value_count() - 1)->number();
          f->is_repeated() ? r->AddEnumValue(&m, f, value) : r->SetEnumValue(&m, f, value);
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE:
          if (f->message_type()->full_name() == "google.protobuf.Timestamp") {
            auto* t = f->is_repeated() ? r->AddMessage(&m, f) : r->MutableMessage(&m, f);
            t->GetReflection()->SetInt64(t, t->GetDescriptor()->FindFieldByName("seconds"), 1e9);
          } else {
            FillEveryField(f->is_repeated() ? *r->AddMessage(&m, f) : *r->MutableMessage(&m, f));
          }
          break;
        default:
          ADD_FAILURE() << f->full_name() << ": FillEveryField does not know its type";
      }
    }
  }
}

// An API message stored and read back is the same message, but for the fields the feed
// derives on every read (`derived`, by full name), which are never stored. A field added to
// the API without its record field and conversion fails here.
template <typename Api>
void ExpectStoredAndReadBackWhole(const std::vector<std::string>& derived = {}) {
  Api original;
  FillEveryField(original);
  auto record = ToRecord(original);
  Api back = ToApi(record);
  google::protobuf::util::MessageDifferencer differ;
  for (const std::string& name : derived) {
    const auto* field = google::protobuf::DescriptorPool::generated_pool()->FindFieldByName(name);
    ASSERT_NE(field, nullptr) << name;
    differ.IgnoreField(field);
  }
  std::string diff;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(original, back)) << Api::descriptor()->name() << ":\n" << diff;
  // Records keep the numbers the API messages were stored under (schema <= 4).
  Api reparsed;
  ASSERT_TRUE(reparsed.ParseFromString(record.SerializeAsString()));
  EXPECT_EQ(reparsed.GetReflection()->GetUnknownFields(reparsed).field_count(), 0);
}

TEST(RecordsTest, ResourcesAndEventsAreStoredAsRecordsAndReadBackWhole) {
  ExpectStoredAndReadBackWhole<v1::Peering>(
      {"pfx.v1.Session.session_state_v4", "pfx.v1.Session.session_state_v6"});
  ExpectStoredAndReadBackWhole<v1::PeeringService>();
  ExpectStoredAndReadBackWhole<v1::RegisteredAsn>();
  ExpectStoredAndReadBackWhole<v1::PrefixEvent>();
  ExpectStoredAndReadBackWhole<v1::ValidationTarget>();
}

// A validation view (records.proto) reads the stored bytes of its record: each of its fields
// is the record's field of the same number, name and type, and a stored record parses as the
// view with those values (compared field by field on the wire).
template <typename Record, typename View>
void ExpectViewOfRecord() {
  const auto* rd = Record::descriptor();
  const auto* vd = View::descriptor();
  Record record;
  FillEveryField(record);
  View view;
  ASSERT_TRUE(view.ParseFromString(record.SerializeAsString()));
  for (int i = 0; i < vd->field_count(); ++i) {
    const auto* vf = vd->field(i);
    const auto* rf = rd->FindFieldByNumber(vf->number());
    ASSERT_NE(rf, nullptr) << vf->full_name() << ": no record field numbered " << vf->number();
    EXPECT_EQ(vf->name(), rf->name()) << vf->full_name();
    EXPECT_EQ(vf->type(), rf->type()) << vf->full_name();
    EXPECT_EQ(vf->is_repeated(), rf->is_repeated()) << vf->full_name();
    if (vf->is_map()) {
      ASSERT_TRUE(rf->is_map()) << vf->full_name();
      EXPECT_EQ(vf->message_type()->map_key()->type(), rf->message_type()->map_key()->type());
      EXPECT_EQ(vf->message_type()->map_value()->type(), rf->message_type()->map_value()->type());
    } else if (vf->message_type() != nullptr) {
      EXPECT_EQ(vf->message_type()->full_name(), rf->message_type()->full_name());
    }
    if (vf->enum_type() != nullptr) EXPECT_EQ(vf->enum_type(), rf->enum_type());
    // A secret in the record is one in the view (opened when the view is read), and back.
    EXPECT_EQ(vf->options().GetExtension(v1::secret), rf->options().GetExtension(v1::secret))
        << vf->full_name();
    // The field's value alone, from the record and from the view.
    Record record_copy = record, record_only;
    record_only.GetReflection()->SwapFields(&record_copy, &record_only, {rf});
    View view_copy = view, view_only;
    view_only.GetReflection()->SwapFields(&view_copy, &view_only, {vf});
    EXPECT_EQ(SerializeDeterministically(record_only), SerializeDeterministically(view_only))
        << vf->full_name();
  }
}

TEST(RecordsTest, ValidationViewsReadTheirRecordsFields) {
  ExpectViewOfRecord<RegisteredPrefixRecord, RegisteredPrefixValidationView>();
  ExpectViewOfRecord<PeeringServicePrefixRecord, PeeringServicePrefixValidationView>();
}

TEST(RecordsTest, SessionStatesFromTheFeedAreNotStored) {
  v1::Peering p;
  v1::Session* s = p.add_connections()->add_sessions();
  s->set_peer_session_ipv4_address("192.0.2.1");
  s->set_session_state_v4(v1::SESSION_STATE_ESTABLISHED);
  PeeringRecord record = ToRecord(p);
  EXPECT_EQ(record.connections(0).sessions(0).peer_session_ipv4_address(), "192.0.2.1");
  EXPECT_EQ(ToApi(record).connections(0).sessions(0).session_state_v4(), v1::SESSION_STATE_NONE);
}

TEST(KeysTest, SequenceOrderAndPrefixEnd) {
  EXPECT_LT(keys::Sequence(255), keys::Sequence(256));
  EXPECT_EQ(keys::ParseSequence(keys::Sequence(0x0102030405060708ULL)), 0x0102030405060708ULL);
  EXPECT_EQ(keys::PrefixEnd("ab"), "ac");
  EXPECT_EQ(keys::Asn(13335), "00003417");
}

}  // namespace
}  // namespace pfx
