// Crash safety under load (issue 14 §4): worker threads run every kind of mutation (peerings
// and peering services created and deleted, connection-state changes, registered prefixes and
// ASNs, peering service prefixes, deliberate re-sends of acknowledged request_ids) while pfxd
// is killed with SIGKILL at random moments and restarted on the same data dir.
//
// Every request carries a request_id. A call that fails in transit (pfxd died under it) has an
// unknown outcome, so the worker sends the same request again with the same request_id until
// pfxd answers; exactly-once means that answer is the success the first attempt would have
// given (a create retried after it landed must not say ALREADY_EXISTS, a delete must not say
// NOT_FOUND). A deliberate re-send of an acknowledged request must get the identical reply.
// At the end: every acknowledged create is there with the same key, every acknowledged
// delete is gone, connection states are the last ones set, lists hold nothing else, and
// `pfxd --check_db` on the stopped data dir reports clean.
//
// Size: PFX_CRASH_MUTATIONS (default 1500) acknowledged mutations and PFX_CRASH_KILLS
// (default 5) kills; PFX_CRASH_SEED fixes the random choices. bench/crash_test.sh runs the
// full size (10,000 mutations, 25 kills). The counts are printed.

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

constexpr int kWorkers = 4;
constexpr int kSlots = 40;  // prefixes / activations / ASNs per worker

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

// The running pfxd's channel; a restart makes a new one (a new port) and a new generation.
class Endpoint {
 public:
  struct Current {
    std::shared_ptr<grpc::Channel> channel;
    uint64_t generation;
  };
  Current Get() const {
    absl::MutexLock lock(&mu_);
    return {channel_, generation_};
  }
  void Set(const std::string& address) {
    absl::MutexLock lock(&mu_);
    channel_ = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    ++generation_;
  }
  // Waits until a generation after `seen` is up, or `timeout`.
  void WaitPast(uint64_t seen, absl::Duration timeout) const {
    absl::MutexLock lock(&mu_);
    auto newer = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return generation_ > seen; };
    mu_.AwaitWithTimeout(absl::Condition(&newer), timeout);
  }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<grpc::Channel> channel_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
};

bool InTransit(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::CANCELLED || code == grpc::StatusCode::UNKNOWN ||
         code == grpc::StatusCode::INTERNAL;
}

struct Counters {
  std::atomic<int> acknowledged{0};
  std::atomic<int> resent_after_transit{0};  // requests sent again after a failure in transit
  std::atomic<int> deliberate_resends{0};
  std::atomic<int> lost{0};
  absl::Mutex mu;
  std::map<std::string, int> by_kind ABSL_GUARDED_BY(mu);
};

// One request: sends itself on a channel and gives the reply's bytes.
using Send = std::function<grpc::Status(grpc::Channel&, std::string* reply)>;

template <typename Stub, typename Request, typename Reply>
Send MakeSend(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Reply*),
              std::unique_ptr<Stub> (*new_stub)(const std::shared_ptr<grpc::ChannelInterface>&,
                                                const grpc::StubOptions&),
              Request request) {
  return [=](grpc::Channel& channel, std::string* reply_bytes) {
    std::shared_ptr<grpc::Channel> shared(&channel, [](grpc::Channel*) {});
    std::unique_ptr<Stub> stub = new_stub(shared, grpc::StubOptions());
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    Reply reply;
    grpc::Status s = ((*stub).*method)(&ctx, request, &reply);
    *reply_bytes = reply.SerializeAsString();
    return s;
  };
}

// One worker's resources and what the model says about them. Names carry the worker's number,
// so workers never touch each other's resources and each model is exact.
class Worker {
 public:
  Worker(int id, uint32_t seed, Endpoint& endpoint, Counters& counters, int target)
      : id_(id), rng_(seed), endpoint_(endpoint), counters_(counters), target_(target) {}

  std::string Peering() const { return absl::StrCat("voice-", id_); }
  std::string RouteServer() const { return absl::StrCat("rs-", id_); }
  std::string Service() const { return absl::StrCat("svc-", id_); }
  static std::string Name(char kind, int i) { return absl::StrCat(std::string(1, kind), i); }
  std::string Prefix(int i) const { return absl::StrCat("20.", id_, ".", i, ".0/24"); }
  int64_t CustomerAsn(int i) const { return 200000 + id_ * 1000 + i; }

  void Run() {
    while (counters_.acknowledged.load() < target_ && failures_.empty()) Step();
  }

  // Compares pfxd's state with the model; returns the number of resources that differ.
  int Verify(PfxdProcess& pfxd);
  const std::vector<std::string>& failures() const { return failures_; }

 private:
  struct Slot {
    bool present = false;
    std::string key;
  };
  struct Acknowledged {
    Send send;
    std::string reply;
  };

  void Step();
  // Sends until pfxd answers; re-sends (same request_id) after failures in transit.
  grpc::Status Call(const Send& send, std::string* reply);
  // Calls, requires success, counts it and remembers it for a deliberate re-send.
  bool Mutate(const char* kind, const Send& send, std::string* reply = nullptr);
  std::string NextRequestId() { return absl::StrCat("crash-", id_, "-", ++sequence_); }
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  void Fail(std::string what) { failures_.push_back(absl::StrCat("worker ", id_, ": ", what)); }

  const int id_;
  std::mt19937 rng_;
  Endpoint& endpoint_;
  Counters& counters_;
  const int target_;
  uint64_t sequence_ = 0;
  Slot prefixes_[kSlots], activations_[kSlots], asns_[kSlots];
  v1::ConnectionState connection_[2] = {v1::CONNECTION_STATE_ACTIVE, v1::CONNECTION_STATE_ACTIVE};
  bool spare_peering_ = false, spare_service_ = false;
  std::vector<Acknowledged> acknowledged_;
  std::vector<std::string> failures_;
};

grpc::Status Worker::Call(const Send& send, std::string* reply) {
  for (int attempt = 0; attempt < 400; ++attempt) {
    Endpoint::Current current = endpoint_.Get();
    grpc::Status s = send(*current.channel, reply);
    if (!InTransit(s.error_code())) return s;
    if (attempt == 0) counters_.resent_after_transit++;
    endpoint_.WaitPast(current.generation, absl::Milliseconds(200));
  }
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "pfxd did not come back");
}

bool Worker::Mutate(const char* kind, const Send& send, std::string* reply) {
  std::string bytes;
  grpc::Status s = Call(send, &bytes);
  if (!s.ok()) {
    Fail(absl::StrCat(kind, " answered ", s.error_code(), " ", s.error_message(),
                      " (a re-sent request must get the first attempt's success)"));
    return false;
  }
  counters_.acknowledged++;
  {
    absl::MutexLock lock(&counters_.mu);
    counters_.by_kind[kind]++;
  }
  acknowledged_.push_back({send, bytes});
  if (reply != nullptr) *reply = std::move(bytes);
  return true;
}

void Worker::Step() {
  const int i = Pick(kSlots);
  switch (Pick(10)) {
    case 0:
    case 1: {  // registered prefix: create if absent, else delete (forced: its key may be in use)
      if (!prefixes_[i].present) {
        v1::CreateRegisteredPrefixRequest req;
        req.set_request_id(NextRequestId());
        v1::RegisteredPrefix& r = *req.mutable_registered_prefix();
        r.set_peering_name(Peering());
        r.set_name(Name('r', i));
        r.set_prefix(Prefix(i));
        r.set_traffic_class(v1::TRAFFIC_CLASS_MEDIA);
        r.set_endpoint_description("SBC cluster");
        std::string bytes;
        if (!Mutate("CreateRegisteredPrefix",
                    MakeSend(&v1::Registrations::Stub::CreateRegisteredPrefix,
                             &v1::Registrations::NewStub, req),
                    &bytes)) {
          return;
        }
        v1::RegisteredPrefix created;
        created.ParseFromString(bytes);
        prefixes_[i] = {true, created.peering_service_prefix_key()};
      } else {
        v1::DeleteRegisteredPrefixRequest req;
        req.set_request_id(NextRequestId());
        req.set_peering_name(Peering());
        req.set_name(Name('r', i));
        req.set_force(true);
        if (Mutate("DeleteRegisteredPrefix",
                   MakeSend(&v1::Registrations::Stub::DeleteRegisteredPrefix,
                            &v1::Registrations::NewStub, req))) {
          prefixes_[i] = {};
        }
      }
      return;
    }
    case 2:
    case 3: {  // peering service prefix, activated with the key of registration i
      if (!activations_[i].present) {
        if (!prefixes_[i].present) return;
        v1::CreatePeeringServicePrefixRequest req;
        req.set_request_id(NextRequestId());
        v1::PeeringServicePrefix& p = *req.mutable_peering_service_prefix();
        p.set_peering_service_name(Service());
        p.set_name(Name('p', i));
        p.set_prefix(Prefix(i));
        p.set_peering_service_prefix_key(prefixes_[i].key);
        if (Mutate("CreatePeeringServicePrefix",
                   MakeSend(&v1::PeeringServices::Stub::CreatePeeringServicePrefix,
                            &v1::PeeringServices::NewStub, req))) {
          activations_[i] = {true, prefixes_[i].key};
        }
      } else {
        v1::DeletePeeringServicePrefixRequest req;
        req.set_request_id(NextRequestId());
        req.set_peering_service_name(Service());
        req.set_name(Name('p', i));
        if (Mutate("DeletePeeringServicePrefix",
                   MakeSend(&v1::PeeringServices::Stub::DeletePeeringServicePrefix,
                            &v1::PeeringServices::NewStub, req))) {
          activations_[i] = {};
        }
      }
      return;
    }
    case 4:
    case 5: {  // registered ASN on the route-server peering
      if (!asns_[i].present) {
        v1::CreateRegisteredAsnRequest req;
        req.set_request_id(NextRequestId());
        v1::RegisteredAsn& a = *req.mutable_registered_asn();
        a.set_peering_name(RouteServer());
        a.set_name(Name('a', i));
        a.set_asn(CustomerAsn(i));
        std::string bytes;
        if (!Mutate("CreateRegisteredAsn",
                    MakeSend(&v1::Registrations::Stub::CreateRegisteredAsn,
                             &v1::Registrations::NewStub, req),
                    &bytes)) {
          return;
        }
        v1::RegisteredAsn created;
        created.ParseFromString(bytes);
        asns_[i] = {true, created.peering_service_prefix_key()};
      } else {
        v1::DeleteRegisteredAsnRequest req;
        req.set_request_id(NextRequestId());
        req.set_peering_name(RouteServer());
        req.set_name(Name('a', i));
        req.set_force(true);
        if (Mutate("DeleteRegisteredAsn", MakeSend(&v1::Registrations::Stub::DeleteRegisteredAsn,
                                                   &v1::Registrations::NewStub, req))) {
          asns_[i] = {};
        }
      }
      return;
    }
    case 6: {  // the second connection of the voice peering changes state (the first stays
               // ACTIVE: registering needs one)
      const int c = 1;
      const v1::ConnectionState state =
          static_cast<v1::ConnectionState>(1 + Pick(v1::CONNECTION_STATE_ACTIVE));
      v1::SetConnectionStateRequest req;
      req.set_request_id(NextRequestId());
      req.set_peering_name(Peering());
      req.set_connection_id(absl::StrCat("conn-", c + 1));
      req.set_connection_state(state);
      if (Mutate("SetConnectionState",
                 MakeSend(&v1::Peerings::Stub::SetConnectionState, &v1::Peerings::NewStub, req))) {
        connection_[c] = state;
      }
      return;
    }
    case 7: {  // a spare peering without children: created and deleted
      if (!spare_peering_) {
        v1::CreatePeeringRequest req;
        req.set_request_id(NextRequestId());
        *req.mutable_peering() =
            MakePeering(absl::StrCat("spare-", id_), 13335 + id_, v1::PEERING_KIND_VOICE,
                        {{"Seattle", "sea-1", {absl::StrCat("198.51.100.", 10 + id_)}},
                         {"Seattle", "sea-2", {absl::StrCat("198.51.101.", 10 + id_)}}});
        if (Mutate("CreatePeering",
                   MakeSend(&v1::Peerings::Stub::CreatePeering, &v1::Peerings::NewStub, req))) {
          spare_peering_ = true;
        }
      } else {
        v1::DeletePeeringRequest req;
        req.set_request_id(NextRequestId());
        req.set_name(absl::StrCat("spare-", id_));
        if (Mutate("DeletePeering",
                   MakeSend(&v1::Peerings::Stub::DeletePeering, &v1::Peerings::NewStub, req))) {
          spare_peering_ = false;
        }
      }
      return;
    }
    case 8: {  // a spare peering service without prefixes: created and deleted
      if (!spare_service_) {
        v1::CreatePeeringServiceRequest req;
        req.set_request_id(NextRequestId());
        v1::PeeringService& s = *req.mutable_peering_service();
        s.set_name(absl::StrCat("spare-svc-", id_));
        s.set_country("US");
        s.set_provider_asn(13335 + id_);
        s.set_provider_name("Contoso Voice");
        s.set_primary_peering_location("Seattle");
        if (Mutate("CreatePeeringService",
                   MakeSend(&v1::PeeringServices::Stub::CreatePeeringService,
                            &v1::PeeringServices::NewStub, req))) {
          spare_service_ = true;
        }
      } else {
        v1::DeletePeeringServiceRequest req;
        req.set_request_id(NextRequestId());
        req.set_name(absl::StrCat("spare-svc-", id_));
        if (Mutate("DeletePeeringService",
                   MakeSend(&v1::PeeringServices::Stub::DeletePeeringService,
                            &v1::PeeringServices::NewStub, req))) {
          spare_service_ = false;
        }
      }
      return;
    }
    case 9: {  // an acknowledged request sent again: the identical reply, nothing applied
      if (acknowledged_.empty()) return;
      const Acknowledged& old = acknowledged_[Pick(static_cast<int>(acknowledged_.size()))];
      std::string bytes;
      grpc::Status s = Call(old.send, &bytes);
      counters_.deliberate_resends++;
      if (!s.ok() || bytes != old.reply) {
        Fail(absl::StrCat("a re-sent request_id got ", s.error_code(), " ", s.error_message(),
                          s.ok() ? " with a different reply" : ""));
      }
      return;
    }
  }
}

template <typename Reply, typename Request, typename Stub>
grpc::Status Read(Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Reply*),
                  const Request& request, Reply* reply) {
  return (stub.*method)(Ctx().get(), request, reply);
}

int Worker::Verify(PfxdProcess& pfxd) {
  int lost = 0;
  auto check = [&](const std::string& what, const Slot& model, const grpc::Status& s,
                   const std::string& key) {
    if (model.present && (!s.ok() || key != model.key)) {
      ++lost;
      Fail(absl::StrCat(what, ": acknowledged create is ",
                        s.ok() ? "there with another key" : "missing: " + s.error_message()));
    } else if (!model.present && s.error_code() != grpc::StatusCode::NOT_FOUND) {
      ++lost;
      Fail(absl::StrCat(what, ": acknowledged delete is undone (", s.error_code(), ")"));
    }
  };
  int registered = 0, activated = 0, asns = 0;
  for (int i = 0; i < kSlots; ++i) {
    v1::GetRegisteredPrefixRequest get;
    get.set_peering_name(Peering());
    get.set_name(Name('r', i));
    v1::RegisteredPrefix r;
    grpc::Status s =
        Read(pfxd.registrations(), &v1::Registrations::Stub::GetRegisteredPrefix, get, &r);
    check(absl::StrCat(Peering(), "/", get.name()), prefixes_[i], s,
          r.peering_service_prefix_key());
    registered += prefixes_[i].present;

    v1::GetPeeringServicePrefixRequest get_p;
    get_p.set_peering_service_name(Service());
    get_p.set_name(Name('p', i));
    v1::PeeringServicePrefix p;
    s = Read(pfxd.services(), &v1::PeeringServices::Stub::GetPeeringServicePrefix, get_p, &p);
    check(absl::StrCat(Service(), "/", get_p.name()), activations_[i], s,
          p.peering_service_prefix_key());
    activated += activations_[i].present;

    v1::GetRegisteredAsnRequest get_a;
    get_a.set_peering_name(RouteServer());
    get_a.set_name(Name('a', i));
    v1::RegisteredAsn a;
    s = Read(pfxd.registrations(), &v1::Registrations::Stub::GetRegisteredAsn, get_a, &a);
    check(absl::StrCat(RouteServer(), "/", get_a.name()), asns_[i], s,
          a.peering_service_prefix_key());
    asns += asns_[i].present;
  }
  v1::GetPeeringRequest get;
  get.set_name(Peering());
  v1::Peering peering;
  grpc::Status s = Read(pfxd.peerings(), &v1::Peerings::Stub::GetPeering, get, &peering);
  for (int c = 0; c < 2 && s.ok(); ++c) {
    if (peering.connections(c).connection_state() != connection_[c]) {
      ++lost;
      Fail(absl::StrCat(Peering(), " conn-", c + 1, " is in state ",
                        peering.connections(c).connection_state(), ", last set ", connection_[c]));
    }
  }
  get.set_name(absl::StrCat("spare-", id_));
  s = Read(pfxd.peerings(), &v1::Peerings::Stub::GetPeering, get, &peering);
  v1::GetPeeringServiceRequest get_s;
  get_s.set_name(absl::StrCat("spare-svc-", id_));
  v1::PeeringService service;
  grpc::Status s_service =
      Read(pfxd.services(), &v1::PeeringServices::Stub::GetPeeringService, get_s, &service);
  for (auto [name, status, present] : {std::tuple{get.name(), s, spare_peering_},
                                       std::tuple{get_s.name(), s_service, spare_service_}}) {
    if (status.ok() != present) {
      ++lost;
      Fail(absl::StrCat(name, " should ", present ? "" : "not ", "exist: ", status.error_code()));
    }
  }
  // Nothing beyond the model: the lists hold exactly the acknowledged resources.
  v1::ListRegisteredPrefixesRequest list;
  list.set_peering_name(Peering());
  list.set_page_size(1000);
  v1::ListRegisteredPrefixesResponse listed;
  s = Read(pfxd.registrations(), &v1::Registrations::Stub::ListRegisteredPrefixes, list, &listed);
  if (!s.ok() || listed.registered_prefixes_size() != registered) {
    ++lost;
    Fail(absl::StrCat(Peering(), " lists ", listed.registered_prefixes_size(),
                      " registered prefixes, the model ", registered));
  }
  v1::ListPeeringServicePrefixesRequest list_p;
  list_p.set_peering_service_name(Service());
  list_p.set_page_size(1000);
  v1::ListPeeringServicePrefixesResponse listed_p;
  s = Read(pfxd.services(), &v1::PeeringServices::Stub::ListPeeringServicePrefixes, list_p,
           &listed_p);
  if (!s.ok() || listed_p.peering_service_prefixes_size() != activated) {
    ++lost;
    Fail(absl::StrCat(Service(), " lists ", listed_p.peering_service_prefixes_size(),
                      " prefixes, the model ", activated));
  }
  v1::ListRegisteredAsnsRequest list_a;
  list_a.set_peering_name(RouteServer());
  list_a.set_page_size(1000);
  v1::ListRegisteredAsnsResponse listed_a;
  s = Read(pfxd.registrations(), &v1::Registrations::Stub::ListRegisteredAsns, list_a, &listed_a);
  if (!s.ok() || listed_a.registered_asns_size() != asns) {
    ++lost;
    Fail(absl::StrCat(RouteServer(), " lists ", listed_a.registered_asns_size(),
                      " ASNs, the model ", asns));
  }
  return lost;
}

TEST(CrashTest, AcknowledgedMutationsSurviveRepeatedKills) {
  const int target = EnvInt("PFX_CRASH_MUTATIONS", 1500);
  const int kills = EnvInt("PFX_CRASH_KILLS", 5);
  const uint32_t seed = static_cast<uint32_t>(EnvInt("PFX_CRASH_SEED", std::random_device()()));
  std::cout << "crash test: seed " << seed << " (PFX_CRASH_SEED)" << std::endl;
  const std::string data_dir = absl::StrCat(::testing::TempDir(), "/crash_", getpid());
  std::filesystem::remove_all(data_dir);

  PfxdProcess pfxd({}, data_dir);
  ASSERT_TRUE(pfxd.Start());
  for (int w = 0; w < kWorkers; ++w) {
    ASSERT_TRUE(CreateActivePeering(
                    pfxd, MakePeering(absl::StrCat("voice-", w), 13335 + w, v1::PEERING_KIND_VOICE,
                                      {{"Seattle", "sea-1", {absl::StrCat("198.51.100.", w)}},
                                       {"Seattle", "sea-2", {absl::StrCat("198.51.101.", w)}}}))
                    .ok());
    ASSERT_TRUE(CreateActivePeering(
                    pfxd, MakePeering(absl::StrCat("rs-", w), 6939 + w,
                                      v1::PEERING_KIND_EXCHANGE_ROUTE_SERVER,
                                      {{"Seattle", "sea-1", {absl::StrCat("198.51.102.", w)}}}))
                    .ok());
    v1::CreatePeeringServiceRequest svc;
    v1::PeeringService& s = *svc.mutable_peering_service();
    s.set_name(absl::StrCat("svc-", w));
    s.set_country("US");
    s.set_provider_asn(13335 + w);
    s.set_provider_name("Contoso Voice");
    s.set_primary_peering_location("Seattle");
    v1::PeeringService created;
    ASSERT_TRUE(pfxd.services().CreatePeeringService(Ctx().get(), svc, &created).ok());
  }

  Endpoint endpoint;
  endpoint.Set(pfxd.address());
  Counters counters;
  std::vector<std::unique_ptr<Worker>> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.push_back(std::make_unique<Worker>(w, seed + w, endpoint, counters, target));
  }
  std::atomic<int> running{kWorkers};
  std::vector<std::thread> threads;
  for (auto& w : workers) {
    threads.emplace_back([&w, &running] {
      w->Run();
      running--;
    });
  }

  // Kill k lands after about (k+1)/(kills+1) of the mutations, at a random moment within
  // that stretch: calls are in flight on every worker when it comes.
  std::mt19937 rng(seed);
  int killed = 0;
  for (int k = 0; k < kills; ++k) {
    const int stretch = target / (kills + 1);
    const int at = stretch * (k + 1) + std::uniform_int_distribution<int>(0, stretch / 2)(rng);
    if (!WaitFor([&] { return counters.acknowledged.load() >= at || running.load() == 0; },
                 absl::Seconds(120)) ||
        running.load() == 0) {
      break;
    }
    absl::SleepFor(absl::Microseconds(std::uniform_int_distribution<int>(0, 20000)(rng)));
    pfxd.Kill();
    ++killed;
    if (!pfxd.Start()) break;
    endpoint.Set(pfxd.address());
  }
  for (std::thread& t : threads) t.join();

  int lost = 0;
  for (auto& w : workers) {
    lost += w->Verify(pfxd);
    for (const std::string& f : w->failures()) ADD_FAILURE() << f;
  }
  pfxd.Stop();
  CommandResult check =
      RunCommand(absl::StrCat(PFX_BINARY_DIR "/server/pfxd --check_db=", data_dir, " 2>&1"));

  std::cout << "crash test: " << counters.acknowledged.load() << " mutations acknowledged (";
  {
    absl::MutexLock lock(&counters.mu);
    for (const auto& [kind, n] : counters.by_kind) std::cout << kind << " " << n << ", ";
  }
  std::cout << "), " << killed << " SIGKILLs, " << counters.resent_after_transit.load()
            << " requests re-sent after a failure in transit, "
            << counters.deliberate_resends.load()
            << " acknowledged requests re-sent deliberately, lost " << lost << std::endl
            << "crash test: pfxd --check_db: " << check.output;
  EXPECT_EQ(killed, kills);
  EXPECT_GE(counters.acknowledged.load(), target);
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find(": clean: "), std::string::npos) << check.output;
  std::filesystem::remove_all(data_dir);
}

}  // namespace
}  // namespace pfx::testing
