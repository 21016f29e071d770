// The knowledge base and the simulated weeks of traffic the stale-report tests (unit and CLI) share.
//
// As of 2026-06-30 (usage window 2026-04-02 … 2026-06-30), each article is built to carry known reasons:
//
//   slug                        reasons (weight)                                  reliance  impact
//   pembayaran/refund-saldo     review_overdue 90 d (2), negative_feedback 3/4 (1.75)   65   66 × 3.75 =
//   247.5 pengiriman/paket-hilang     broken_links ×3: archived, missing, file (1.5)         10   11 × 1.5
//   = 16.5 akun/otp                    duplicate_suspect of akun/otp-salinan (0.5)            20   21 × 0.5
//   = 10.5 promo/ramadan               expired 10 days ago (3)                                 2    3 × 3 = 9
//   pembayaran/kartu-kredit     losing_to_gap: 3 tickets + 1 search (1.4)               5    6 × 1.4  = 8.4
//   internal/catatan            never_reviewed (2), no owner                            3    4 × 2    = 8
//   promo/gajian                expiring_soon in 10 days (1)                            4    5 × 1    = 5
//   akun/otp-salinan            duplicate_suspect of akun/otp (0.5)                     2    3 × 0.5  = 1.5
//   en/unused-guide             unused (0.5)                                            0    1 × 0.5  = 0.5
//
// Not listed: akun/baru (live only since 2026-06-01: not "unused"), pengiriman/lama (archived),
// akun/jadwal (publish_at in the future), pembayaran/draft-baru (draft).
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "date.hpp"
#include "events.hpp"
#include "temp_dir.hpp"
#include "usage_log.hpp"

namespace solusi::testing {

using service::EventStore;
using service::FeedbackEvent;
using service::FeedbackKind;
using service::SearchEvent;
using service::SuggestionLog;
using service::TicketTerm;
using service::UsageEvent;
using service::ViewEvent;

/// Unix seconds of @p day (YYYY-MM-DD) at @p hour:@p minute UTC.
inline std::int64_t at(std::string_view day, int hour = 10, int minute = 0) {
  return Date::parse(day)->days_since_epoch() * std::int64_t{86400} + hour * 3600 + minute * 60;
}

/// The per-day counts by article in the events.db at @p path, as "day slug views search_hits suggested
/// resolved" in day and slug order: from article_daily, or (@p blocks) decoded from article_usage.
inline std::vector<std::string> usage_counts(const std::filesystem::path& path, bool blocks) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  const char* query = blocks ? "SELECT block, slug, days FROM article_usage JOIN article_ids ON id = article"
                             : "SELECT day, slug, views, search_hits, suggested, resolved FROM article_daily "
                               "JOIN article_ids ON id = article";
  std::vector<std::pair<std::int64_t, std::string>> rows;  // (day, rest of the line)
  auto line = [](const std::string& slug, std::int64_t v, std::int64_t h, std::int64_t s, std::int64_t r) {
    return slug + " " + std::to_string(v) + " " + std::to_string(h) + " " + std::to_string(s) + " " +
           std::to_string(r);
  };
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, query, -1, &st, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return {std::string("SQL error on ") + query};
  }
  while (sqlite3_step(st) == SQLITE_ROW) {
    const std::string slug = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
    if (!blocks) {
      rows.emplace_back(sqlite3_column_int64(st, 0),
                        line(slug, sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
                             sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5)));
      continue;
    }
    const auto* p = static_cast<const char*>(sqlite3_column_blob(st, 2));
    std::vector<service::UsageDay> days;
    if (!service::decode_usage_days(
            std::string_view(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(st, 2))), days))
      rows.emplace_back(-1, "damaged blob of " + slug);
    for (const auto& d : days)
      rows.emplace_back(
          sqlite3_column_int64(st, 0) * service::usage_block_days + d.offset,
          line(slug, d.counts.views, d.counts.search_hits, d.counts.suggested, d.counts.resolved));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  std::sort(rows.begin(), rows.end());
  std::vector<std::string> out;
  for (const auto& [day, rest] : rows) out.push_back(std::to_string(day) + " " + rest);
  return out;
}

inline const char* report_as_of = "2026-06-30";

inline std::string report_article(std::string_view front, std::string_view body) {
  return "---\n" + std::string(front) + "---\n" + std::string(body) + "\n";
}

inline void write_report_articles(const TempDir& dir) {
  const std::string otp_body =
      "Kode OTP dikirim lewat SMS ke nomor ponsel yang terdaftar dan berlaku lima menit. Pastikan sinyal "
      "ponsel stabil dan kotak masuk SMS tidak penuh. Tunggu enam puluh detik sebelum meminta kode baru. "
      "Jika kode tetap tidak masuk setelah tiga kali, minta pelanggan memakai verifikasi lewat WhatsApp. "
      "Periksa juga apakah nomor ponsel pelanggan masih aktif dan tidak sedang diblokir operator.";
  dir.write(
      "articles/pembayaran/refund-saldo.md",
      report_article("title: Refund belum masuk ke saldo\nlang: id\ntags: [refund, saldo]\n"
                     "category: pembayaran\nowner: tim-pembayaran\nreviewed: 2026-01-01\nreview_every: 90d\n",
                     "Pengembalian dana ke saldo RayaPay selesai dalam tiga hari kerja setelah pembatalan "
                     "disetujui penjual. Minta pelanggan memuat ulang aplikasi sebelum membuat tiket."));
  dir.write("articles/pembayaran/kartu-kredit.md",
            report_article("title: Refund ke kartu kredit\nlang: id\ntags: [refund, kartu-kredit]\n"
                           "category: pembayaran\nowner: tim-pembayaran\nreviewed: 2026-06-01\n",
                           "Refund untuk pembayaran dengan kartu kredit diproses bank penerbit dalam tujuh "
                           "sampai empat belas hari kerja dan muncul di tagihan berikutnya."));
  dir.write("articles/pembayaran/draft-baru.md",
            report_article("title: Draf cicilan baru\nlang: id\ncategory: pembayaran\nowner: tim-pembayaran\n"
                           "status: draft\n",
                           "Belum siap."));
  dir.write(
      "articles/akun/otp.md",
      report_article("title: Kode OTP tidak masuk\nlang: id\ntags: [otp]\ncategory: akun\nowner: tim-akun\n"
                     "reviewed: 2026-05-01\n",
                     otp_body));
  dir.write("articles/akun/otp-salinan.md",
            report_article("title: Kode OTP tidak masuk lewat SMS\nlang: id\ntags: [otp]\ncategory: akun\n"
                           "owner: tim-akun\nreviewed: 2026-05-01\n",
                           otp_body + " Catat nomor tiket di kolom catatan."));
  dir.write("articles/akun/baru.md",
            report_article("title: Fitur akun keluarga\nlang: id\ncategory: akun\nowner: tim-akun\n"
                           "reviewed: 2026-06-01\npublish_at: 2026-06-01\n",
                           "Akun keluarga menghubungkan sampai lima anggota dengan satu metode pembayaran."));
  dir.write("articles/akun/jadwal.md",
            report_article("title: Perubahan syarat akun\nlang: id\ncategory: akun\nowner: tim-akun\n"
                           "publish_at: 2026-08-01\n",
                           "Syarat baru berlaku bulan Agustus."));
  dir.write(
      "articles/pengiriman/paket-hilang.md",
      report_article("title: Paket hilang di perjalanan\nlang: id\ntags: [paket]\ncategory: pengiriman\n"
                     "owner: tim-logistik\nreviewed: 2026-06-15\n",
                     "Ajukan klaim dari halaman pesanan. Lihat [prosedur lama](lama.md), [formulir klaim]"
                     "(tidak-ada.md) dan [kode OTP](../akun/otp.md).\n\n![peta gudang](../img/peta.png)\n\n"
                     "![logo kurir](../img/ada.png)"));
  dir.write("articles/img/ada.png", "not really a png");
  dir.write("articles/pengiriman/lama.md",
            report_article("title: Prosedur klaim lama\nlang: id\ncategory: pengiriman\nowner: tim-logistik\n"
                           "reviewed: 2025-01-01\nstatus: archived\n",
                           "Dulu klaim diajukan lewat surel."));
  dir.write("articles/promo/ramadan.md",
            report_article(
                "title: Promo Ramadan\nlang: id\ncategory: promo\nowner: tim-promo\nreviewed: 2026-05-01\n"
                "valid_to: 2026-06-20\n",
                "Diskon ongkir selama bulan Ramadan untuk semua pesanan di atas seratus ribu."));
  dir.write("articles/promo/gajian.md",
            report_article("title: Promo tanggal gajian\nlang: id\ncategory: promo\nowner: tim-promo\n"
                           "reviewed: 2026-05-01\nvalid_to: 2026-07-10\n",
                           "Cashback sepuluh persen setiap tanggal dua puluh lima sampai akhir bulan."));
  dir.write("articles/internal/catatan.md",
            report_article("title: Catatan serah terima\nlang: id\ncategory: internal\n",
                           "Tulis ringkasan tiket yang masih terbuka sebelum shift berakhir."));
  dir.write("articles/en/unused-guide.md",
            report_article("title: Gift wrapping requests\nlang: en\ncategory: orders\nowner: support-leads\n"
                           "reviewed: 2026-06-01\n",
                           "Gift wrapping is added at checkout and cannot be added after the order ships."));
}

/// Suggestion log rows the way the suggest handler writes them.
inline SuggestionLog suggestion(std::string ticket, std::int64_t when, std::vector<std::string> shown,
                                bool gap, std::string text = "", std::vector<TicketTerm> terms = {},
                                std::string top = "", double confidence = 0) {
  SuggestionLog s;
  s.ticket_id = std::move(ticket);
  s.at = when;
  s.lang = "id";
  s.shown = std::move(shown);
  s.gap = gap;
  s.text = std::move(text);
  s.terms = std::move(terms);
  s.top_slug = std::move(top);
  s.top_confidence = confidence;
  return s;
}

inline FeedbackEvent feedback(std::string ticket, std::string slug, FeedbackKind kind, std::int64_t when) {
  FeedbackEvent f;
  f.ticket_id = std::move(ticket);
  f.slug = std::move(slug);
  f.kind = kind;
  f.at = when;
  return f;
}

inline std::vector<TicketTerm> ticket_terms(std::initializer_list<const char*> words) {
  std::vector<TicketTerm> out;
  for (const char* w : words) out.push_back(TicketTerm{w, w, 1.0});
  return out;
}

/// Twelve weeks of traffic (plus an older view that starts the usage log before the window).
inline void record_report_history(EventStore& store) {
  std::vector<UsageEvent> usage;
  auto views = [&](const std::string& slug, int n, std::string_view first_day) {
    for (int i = 0; i < n; ++i)
      usage.push_back(ViewEvent{at(first_day, 9) + i * 86400 / 2, slug, "rina"});  // two a day
  };
  usage.push_back(ViewEvent{at("2026-03-01"), "akun/otp", "rina"});  // before the window: not counted
  views("pembayaran/refund-saldo", 40, "2026-04-10");
  views("pembayaran/kartu-kredit", 5, "2026-05-01");
  views("akun/otp", 20, "2026-05-01");
  views("akun/otp-salinan", 2, "2026-05-01");
  views("pengiriman/paket-hilang", 10, "2026-06-16");
  views("promo/ramadan", 2, "2026-06-01");
  views("promo/gajian", 4, "2026-06-01");
  views("akun/baru", 0, "2026-06-01");
  // Searches: hits count per article per day, not reliance.
  usage.push_back(
      SearchEvent{at("2026-05-02"), "kode otp", "id", 3, {"akun/otp", "akun/otp-salinan"}, "rina"});
  // A zero-result search typed on (as-you-type, superseded), then the finished one.
  usage.push_back(SearchEvent{at("2026-06-10", 10, 0), "refund kartu kredit zam", "id", 0, {}, "budi"});
  usage.push_back(
      SearchEvent{at("2026-06-10", 10, 0) + 4, "refund kartu kredit zamrud", "id", 0, {}, "budi"});
  // A zero-result search on a topic no article has.
  usage.push_back(SearchEvent{at("2026-06-11"), "cicilan paylater", "id", 0, {}, "budi"});
  ASSERT_TRUE(write_usage(store, usage));

  // Suggestions that showed refund-saldo (10), resolutions (5) and votes.
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(store.log_suggestion(suggestion("ZD-" + std::to_string(100 + i), at("2026-05-01") + i * 86400,
                                                {"pembayaran/refund-saldo"}, false)));
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(store.add_feedback(feedback("ZD-" + std::to_string(100 + i), "pembayaran/refund-saldo",
                                            FeedbackKind::resolved, at("2026-05-02") + i * 86400)));
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(store.add_feedback(feedback("ZD-" + std::to_string(200 + i), "pembayaran/refund-saldo",
                                            FeedbackKind::not_helpful, at("2026-05-20") + i * 86400)));
  ASSERT_TRUE(store.add_feedback(
      feedback("ZD-210", "pembayaran/refund-saldo", FeedbackKind::helpful, at("2026-05-25"))));
  // Not-helpful votes on kartu-kredit before its review (2026-06-01): answered by the review.
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(store.add_feedback(feedback("ZD-" + std::to_string(300 + i), "pembayaran/kartu-kredit",
                                            FeedbackKind::not_helpful, at("2026-03-10") + i * 86400)));
  // One resolution with internal/catatan.
  ASSERT_TRUE(
      store.add_feedback(feedback("ZD-400", "internal/catatan", FeedbackKind::resolved, at("2026-05-10"))));
  // Tickets with no confident suggestion whose best candidate was kartu-kredit; ZD-502 twice.
  const auto zamrud = ticket_terms({"refund", "kartu", "kredit", "zamrud"});
  ASSERT_TRUE(store.log_suggestion(suggestion("ZD-500", at("2026-06-05"), {}, true,
                                              "Refund ke kartu kredit Bank Zamrud belum masuk", zamrud,
                                              "pembayaran/kartu-kredit", 0.31)));
  ASSERT_TRUE(store.log_suggestion(suggestion("ZD-501", at("2026-06-12"), {}, true,
                                              "refund kartu zamrud kapan masuk ya", zamrud,
                                              "pembayaran/kartu-kredit", 0.28)));
  ASSERT_TRUE(store.log_suggestion(suggestion("ZD-502", at("2026-06-20"), {}, true,
                                              "dana refund cc zamrud belum balik", zamrud,
                                              "pembayaran/kartu-kredit", 0.3)));
  ASSERT_TRUE(store.log_suggestion(suggestion("ZD-502", at("2026-06-21"), {}, true,
                                              "dana refund cc zamrud belum balik juga", zamrud,
                                              "pembayaran/kartu-kredit", 0.3)));
}

}  // namespace solusi::testing
