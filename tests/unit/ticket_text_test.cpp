// Ticket cleaning: the customer's own newest message, without quoted replies, greetings, signatures,
// disclaimers and noise tokens, with the error codes kept. Every ticket below is made up.
#include "ticket_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "text.hpp"

namespace solusi::service {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

CleanTicket body_only(std::string_view body) {
  return clean_ticket("", body);
}

// ----------------------------------------------------------------------------------------- subject

TEST(TicketTextSubject, ReplyAndForwardPrefixesAndTicketTagsAreRemoved) {
  EXPECT_EQ(clean_ticket("RE: AW: Fwd: [#12345] Refund belum masuk", "").subject, "Refund belum masuk");
  EXPECT_EQ(clean_ticket("Re[2]: [EXTERNAL] Tidak bisa login", "").subject, "Tidak bisa login");
  EXPECT_EQ(clean_ticket("  bls: re : Paket rusak [#88123]", "").subject, "Paket rusak");
  EXPECT_EQ(clean_ticket("FW: Ticket #4512: saldo hilang", "").subject, "Ticket saldo hilang");
}

TEST(TicketTextSubject, KeepsWordsThatOnlyLookLikePrefixes) {
  EXPECT_EQ(clean_ticket("Refund request: order not received", "").subject,
            "Refund request: order not received");
  EXPECT_EQ(clean_ticket("[URGENT] Server down", "").subject, "[URGENT] Server down");
  EXPECT_EQ(clean_ticket("Reset password tidak bisa", "").subject, "Reset password tidak bisa");
}

TEST(TicketTextSubject, SubjectCodesComeFirstAndAreNotRepeated) {
  const CleanTicket t =
      clean_ticket("Re: Bayar gagal (PAY-401)", "Muncul E-402 lalu PAY-401 lagi, lalu E-402.");
  EXPECT_EQ(t.subject, "Bayar gagal (PAY-401)");
  EXPECT_THAT(t.codes, ElementsAre("PAY-401", "E-402"));
  EXPECT_EQ(t.body, "Muncul E-402 lalu PAY-401 lagi, lalu E-402.");
}

// ------------------------------------------------------------------------------------ reply chains

TEST(TicketTextReply, GmailChainKeepsOnlyTheNewestMessage) {
  const CleanTicket t = body_only(
      "Hi team,\n"
      "\n"
      "The payment still fails with PAY-401 after I updated the app.\n"
      "\n"
      "Thanks,\n"
      "Sarah\n"
      "\n"
      "On Mon, 3 Jun 2024 at 10:00, Solusi Support <support@solusi.example> wrote:\n"
      "> Hello Sarah,\n"
      "> Please update the app to the newest version and try again.\n"
      ">\n"
      "> On Sun, 2 Jun 2024 at 21:14, Sarah Lee <sarah.lee@example.com> wrote:\n"
      ">> My card payment fails with error 502.\n");
  EXPECT_EQ(t.body, "The payment still fails with PAY-401 after I updated the app.");
  EXPECT_THAT(t.codes, ElementsAre("PAY-401"));  // "error 502" is only in the quoted part
  EXPECT_EQ(t.removed_lines, 9u);
  EXPECT_FALSE(t.forwarded);
}

TEST(TicketTextReply, GmailHeaderWrappedOverTwoLines) {
  const CleanTicket t = body_only(
      "Export to Excel still gives a blank file.\n"
      "On Tue, 4 Jun 2024 at 08:12, Solusi Support <\n"
      "support@solusi.example> wrote:\n"
      "\n"
      "Could you send us a screenshot?\n");
  EXPECT_EQ(t.body, "Export to Excel still gives a blank file.");
}

TEST(TicketTextReply, IndonesianGmailChain) {
  const CleanTicket t = body_only(
      "Halo kak, saya sudah coba login ulang tapi kode OTP tetap tidak masuk ke HP saya.\n"
      "Muncul tulisan OTP-429 terus.\n"
      "\n"
      "Mohon bantuannya 🙏\n"
      "\n"
      "Pada Sen, 3 Jun 2024 pukul 09.15, CS Solusi <cs@solusi.example> menulis:\n"
      "> Halo Kak Rina, silakan coba login ulang ya.\n");
  EXPECT_EQ(t.body,
            "saya sudah coba login ulang tapi kode OTP tetap tidak masuk ke HP saya. Muncul tulisan OTP-429 "
            "terus.");
  EXPECT_THAT(t.codes, ElementsAre("OTP-429"));
  EXPECT_EQ(t.removed_lines, 3u);
}

TEST(TicketTextReply, PadaTanggalHeader) {
  const CleanTicket t = body_only(
      "Sudah saya coba, tetap gagal.\n"
      "Pada tanggal 3 Juni 2024 10.15, Budi Hartono <budi.h@example.co.id> menulis:\n"
      "Silakan hapus cache aplikasi lalu coba lagi.\n");
  EXPECT_EQ(t.body, "Sudah saya coba, tetap gagal.");
}

TEST(TicketTextReply, OutlookBlockAfterUnderscoreRule) {
  const CleanTicket t = body_only(
      "Dear CS,\r\n"
      "\r\n"
      "Invoice saya tidak bisa diunduh, muncul error 0x80070005 di laptop kantor.\r\n"
      "\r\n"
      "Best regards,\r\n"
      "Andi Wijaya\r\n"
      "Finance Manager | PT Maju Jaya Abadi\r\n"
      "Tel: (021) 555-1234\r\n"
      "www.majujaya.example\r\n"
      "\r\n"
      "________________________________\r\n"
      "From: Solusi Support <support@solusi.example>\r\n"
      "Sent: Monday, June 3, 2024 10:00 AM\r\n"
      "To: Andi Wijaya <andi@majujaya.example>\r\n"
      "Subject: RE: Invoice tidak bisa diunduh\r\n"
      "\r\n"
      "Halo Pak Andi, mohon coba unduh ulang dari menu Tagihan.\r\n");
  EXPECT_EQ(t.body, "Invoice saya tidak bisa diunduh, muncul error 0x80070005 di laptop kantor.");
  EXPECT_THAT(t.codes, ElementsAre("0x80070005"));
  EXPECT_THAT(t.body, Not(HasSubstr("Andi")));
  EXPECT_THAT(t.body, Not(HasSubstr("unduh ulang")));
}

TEST(TicketTextReply, OutlookBlockWithoutRuleAndInIndonesian) {
  const CleanTicket t = body_only(
      "Laporan bulanan masih kosong.\n"
      "\n"
      "Dari: Tim Dukungan Solusi\n"
      "Dikirim: Senin, 03 Juni 2024 10.00\n"
      "Kepada: Rudi\n"
      "Perihal: Laporan bulanan\n"
      "\n"
      "Mohon tunggu 1x24 jam.\n");
  EXPECT_EQ(t.body, "Laporan bulanan masih kosong.");
}

TEST(TicketTextReply, OutlookHeaderFlattenedOnOneLine) {
  const CleanTicket t = body_only(
      "Still broken on my side.\n"
      "From: Support <support@solusi.example> Sent: Monday, June 3, 2024 To: Mia Subject: RE: Sync issue\n"
      "We have deployed a fix.\n");
  EXPECT_EQ(t.body, "Still broken on my side.");
}

TEST(TicketTextReply, OriginalMessageMarkers) {
  EXPECT_EQ(body_only("Belum ada perubahan.\n-----Pesan Asli-----\nDari: CS\nDikirim: Senin\nKepada: Rudi\n"
                      "Perihal: Re: Akun\n\nSudah kami reset.")
                .body,
            "Belum ada perubahan.");
  EXPECT_EQ(body_only("No change yet.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\n\n"
                      "We reset your account.")
                .body,
            "No change yet.");
}

TEST(TicketTextReply, ReplyAboveThisLineMarkers) {
  EXPECT_EQ(body_only("Masih error.\n##- Silakan ketik balasan Anda di atas baris ini -##\n"
                      "Permintaan Anda (4512) telah diperbarui.")
                .body,
            "Masih error.");
  EXPECT_EQ(
      body_only("Still failing.\n-- Please type your reply above this line --\nYour request was updated.")
          .body,
      "Still failing.");
}

TEST(TicketTextReply, QuotedLinesAreDroppedWhereverTheyAre) {
  const CleanTicket t = body_only(
      "> Kapan refund saya masuk?\n"
      "Sudah 5 hari kerja, belum masuk juga.\n"
      "  > dan kenapa statusnya masih diproses?\n"
      "Status di aplikasi masih diproses.\n");
  EXPECT_EQ(t.body, "Sudah 5 hari kerja, belum masuk juga. Status di aplikasi masih diproses.");
  EXPECT_EQ(t.removed_lines, 2u);
}

TEST(TicketTextReply, AWroteLineNeedsAnAddressOrAnOpener) {
  // "wrote:" in the customer's own words is not a reply header.
  const CleanTicket t = body_only("Your agent wrote:\nthat the refund takes 3 days. It has been 10.\n");
  EXPECT_EQ(t.body, "Your agent wrote: that the refund takes 3 days. It has been 10.");
}

// -------------------------------------------------------------------------------------- forwards

TEST(TicketTextForward, ForwardedComplaintIsKeptBehindAShortNote) {
  const CleanTicket t = body_only(
      "Tolong dicek ya.\n"
      "\n"
      "---------- Forwarded message ---------\n"
      "From: Rina Wulandari <rina.w@example.net>\n"
      "Date: Sen, 3 Jun 2024 pukul 09.12\n"
      "Subject: Saldo terpotong tapi transaksi gagal\n"
      "To: <support@tokoku.example>\n"
      "\n"
      "Halo kak,\n"
      "Saya top up saldo Rp250.000 tadi pagi, saldo di rekening sudah terpotong tapi di aplikasi muncul "
      "PAY-401.\n"
      "No. transaksi TRX-20240603-99812.\n"
      "Mohon dicek, terima kasih.\n"
      "\n"
      "Terima kasih,\n"
      "Rina\n"
      "0812 3456 7890\n");
  EXPECT_EQ(
      t.body,
      "Tolong dicek ya. Saya top up saldo Rp250.000 tadi pagi, saldo di rekening sudah terpotong tapi di "
      "aplikasi muncul PAY-401. No. transaksi. Mohon dicek.");
  EXPECT_TRUE(t.forwarded);
  EXPECT_THAT(t.codes, ElementsAre("PAY-401"));
  EXPECT_THAT(t.body, Not(HasSubstr("Rina")));
  EXPECT_THAT(t.body, Not(HasSubstr("Subject")));
}

TEST(TicketTextForward, ForwardOfAForwardWithNothingAbove) {
  const CleanTicket t = body_only(
      "Begin forwarded message:\n"
      "\n"
      "From: Joko <joko@example.org>\n"
      "Subject: Fwd: Cannot log in\n"
      "Date: 3 June 2024 at 09:00:00 GMT+7\n"
      "To: helpdesk@solusi.example\n"
      "\n"
      "---------- Pesan yang diteruskan ---------\n"
      "Dari: Sari <sari@example.org>\n"
      "Tanggal: Sen, 3 Jun 2024\n"
      "Subjek: Tidak bisa login\n"
      "\n"
      "Akun saya terkunci setelah salah PIN tiga kali, muncul AUTH-403.\n");
  EXPECT_EQ(t.body, "Akun saya terkunci setelah salah PIN tiga kali, muncul AUTH-403.");
  EXPECT_TRUE(t.forwarded);
  EXPECT_THAT(t.codes, ElementsAre("AUTH-403"));
}

TEST(TicketTextForward, OutlookForwardBlock) {
  const CleanTicket t = body_only(
      "FYI\n"
      "\n"
      "________________________________\n"
      "From: Dewi Lestari <dewi@example.id>\n"
      "Sent: Monday, June 3, 2024 9:41 AM\n"
      "To: Support <support@solusi.example>\n"
      "Subject: FW: Paket belum sampai\n"
      "\n"
      "Paket saya dengan resi JX1234567890 belum sampai sejak 28 Mei.\n");
  EXPECT_EQ(t.body, "FYI Paket saya dengan resi belum sampai sejak 28 Mei.");
  EXPECT_TRUE(t.forwarded);
}

TEST(TicketTextForward, ForwardIsDroppedBehindARealMessage) {
  const CleanTicket t = body_only(
      "The customer below also reports that the CSV export button does nothing on Safari 17.\n"
      "\n"
      "Begin forwarded message:\n"
      "\n"
      "From: Lina <lina@example.com>\n"
      "Subject: Export\n"
      "\n"
      "Export is broken, please fix.\n");
  EXPECT_EQ(t.body, "The customer below also reports that the CSV export button does nothing on Safari 17.");
  EXPECT_FALSE(t.forwarded);
  EXPECT_EQ(t.removed_lines, 4u);
}

TEST(TicketTextForward, OutlookReplyBlockIsNotAForward) {
  const CleanTicket t = body_only(
      "Ok\n"
      "\n"
      "From: Support <support@solusi.example>\n"
      "Sent: Monday\n"
      "Subject: RE: Paket belum sampai\n"
      "\n"
      "Paket sudah kami kirim ulang.\n");
  EXPECT_EQ(t.body, "Ok");
  EXPECT_FALSE(t.forwarded);
}

// ------------------------------------------------------------------------------ greetings, sign-offs

struct LineCase {
  const char* in;
  const char* out;
};

class TicketTextGreeting : public ::testing::TestWithParam<LineCase> {};

TEST_P(TicketTextGreeting, LeadingAndTrailingPhrasesAreRemoved) {
  EXPECT_EQ(body_only(GetParam().in).body, GetParam().out);
}

INSTANTIATE_TEST_SUITE_P(
    TicketText, TicketTextGreeting,
    ::testing::Values(
        LineCase{"Halo kak, saya mau tanya refund", "saya mau tanya refund"},
        LineCase{"Halo min, voucher tidak bisa dipakai", "voucher tidak bisa dipakai"},
        LineCase{"Hai admin saya mau tanya cara ganti email", "saya mau tanya cara ganti email"},
        LineCase{"Selamat pagi, kak. Paket saya belum sampai.", "Paket saya belum sampai."},
        LineCase{"Selamat malam Bapak/Ibu, aplikasi tidak bisa dibuka.", "aplikasi tidak bisa dibuka."},
        LineCase{"Assalamualaikum wr wb, mau tanya soal cicilan", "mau tanya soal cicilan"},
        LineCase{"Assalamu'alaikum kak. Saldo saya minus.", "Saldo saya minus."},
        LineCase{"Permisi kak mau tanya, voucher tidak bisa dipakai",
                 "mau tanya, voucher tidak bisa dipakai"},
        LineCase{"Hi John, my export keeps failing.", "my export keeps failing."},
        LineCase{"Hello I cannot reset my password", "I cannot reset my password"},
        LineCase{"Hi team, the dashboard is blank.", "the dashboard is blank."},
        LineCase{"Dear CS, saldo saya hilang.", "saldo saya hilang."},
        LineCase{"Dear Customer Service Solusi, saldo saya hilang.", "saldo saya hilang."},
        LineCase{"Good morning team! The app crashes on start.", "The app crashes on start."},
        LineCase{"Pagi kak, mau tanya ongkir", "mau tanya ongkir"},
        LineCase{"Hello team, hope you're doing well! We hit the rate limit.", "We hit the rate limit."},
        LineCase{"Mohon bantuannya kak, saldo saya terpotong dua kali.", "saldo saya terpotong dua kali."},
        LineCase{"Paket belum sampai. Terima kasih banyak kak 🙏", "Paket belum sampai."},
        LineCase{"Paket belum sampai, makasih ya kak", "Paket belum sampai"},
        LineCase{"The refund never arrived, thanks in advance!", "The refund never arrived!"},
        LineCase{"Tolong dicek. Mohon bantuannya, terima kasih.", "Tolong dicek."},
        // Not greetings: a time of day in a sentence, thanks with content, "Salam kenal", a longer word.
        LineCase{"Malam ini aplikasinya tidak bisa dibuka", "Malam ini aplikasinya tidak bisa dibuka"},
        LineCase{"Terima kasih sudah membalas, tapi saldo belum kembali.",
                 "Terima kasih sudah membalas, tapi saldo belum kembali."},
        LineCase{"Thanks for the quick reply, but E-402 is still there.",
                 "Thanks for the quick reply, but E-402 is still there."},
        LineCase{"Salam kenal, saya pengguna baru.", "Salam kenal, saya pengguna baru."},
        LineCase{"Thanksgiving order missing", "Thanksgiving order missing"},
        LineCase{"Best price shown at checkout was wrong", "Best price shown at checkout was wrong"}));

TEST(TicketTextGreetingOnly, TicketOfOnlyGreetingsIsEmpty) {
  const CleanTicket t = body_only("Halo kak 🙏\r\n\r\nSelamat siang\r\nTerima kasih\r\n");
  EXPECT_EQ(t.body, "");
  EXPECT_THAT(t.codes, IsEmpty());
  EXPECT_EQ(t.removed_lines, 3u);
  EXPECT_EQ(body_only("Hi team,\n\nThanks!\n\n-- \nBudi Santoso\n").body, "");
  EXPECT_EQ(body_only("Assalamualaikum\nPermisi\nMakasih min").body, "");
}

// ------------------------------------------------------------------------------------- signatures

TEST(TicketTextSignature, DelimiterEndsTheMessage) {
  const CleanTicket t = body_only(
      "Aplikasi force close setiap buka menu Riwayat.\n"
      "\n"
      "-- \n"
      "Budi Santoso\n"
      "Head of Ops, Kopi Nusantara\n"
      "https://kopinusantara.example\n");
  EXPECT_EQ(t.body, "Aplikasi force close setiap buka menu Riwayat.");
  EXPECT_EQ(t.removed_lines, 4u);
}

TEST(TicketTextSignature, MobileSignaturesEndTheMessage) {
  EXPECT_EQ(body_only("Tidak bisa checkout.\n\nDikirim dari Yahoo Mail di Android").body,
            "Tidak bisa checkout.");
  EXPECT_EQ(
      body_only("Cannot check out.\nSent from my iPhone\n\nOn Mon, 3 Jun 2024, Support wrote:\nhi").body,
      "Cannot check out.");
  EXPECT_EQ(body_only("Cannot check out.\n\nGet Outlook for Android").body, "Cannot check out.");
  EXPECT_EQ(body_only("Tidak bisa bayar.\nDikirim dari iPhone saya").body, "Tidak bisa bayar.");
}

TEST(TicketTextSignature, BlockAfterSignOffIsDropped) {
  const CleanTicket t = body_only(
      "Hello,\n"
      "\n"
      "Our team cannot see the March invoices in the billing page.\n"
      "\n"
      "Kind regards,\n"
      "Andi Wijaya\n"
      "Finance Manager\n"
      "PT Maju Jaya Abadi\n"
      "+62 812-3456-7890\n"
      "andi@majujaya.example\n");
  EXPECT_EQ(t.body, "Our team cannot see the March invoices in the billing page.");
  EXPECT_EQ(t.removed_lines, 7u);
}

TEST(TicketTextSignature, SignOffWithNameOnTheSameLine) {
  const CleanTicket t = body_only("Refund belum masuk ke rekening.\nSalam, Budi Santoso\nCV Sinar Terang\n");
  EXPECT_EQ(t.body, "Refund belum masuk ke rekening.");
}

TEST(TicketTextSignature, SignOffFollowedByContentIsNotASignature) {
  const CleanTicket t = body_only(
      "Halo,\n"
      "Saya sudah transfer kemarin.\n"
      "Terima kasih,\n"
      "tapi kenapa sampai sekarang status pesanan masih menunggu pembayaran padahal dana sudah terpotong?\n");
  EXPECT_EQ(
      t.body,
      "Saya sudah transfer kemarin. tapi kenapa sampai sekarang status pesanan masih menunggu pembayaran "
      "padahal dana sudah terpotong?");
}

TEST(TicketTextSignature, ThanksRightAfterTheGreetingDoesNotStartASignature) {
  const CleanTicket t = body_only("Hi,\nThanks!\nI tried again today\nstill getting E-402\n");
  EXPECT_EQ(t.body, "I tried again today still getting E-402");
  EXPECT_THAT(t.codes, ElementsAre("E-402"));
}

TEST(TicketTextSignature, ShortLinesWithAnErrorCodeAreNotASignature) {
  const CleanTicket t = body_only("Payment failed twice.\nThanks\nStill PAY-401 today\n");
  EXPECT_EQ(t.body, "Payment failed twice. Still PAY-401 today");
}

// ------------------------------------------------------------------------------------ disclaimers

TEST(TicketTextDisclaimer, EnglishAndIndonesianDisclaimerParagraphsAreDropped) {
  const CleanTicket t = body_only(
      "Sinkronisasi stok gagal sejak pagi, muncul SYNC-500.\n"
      "\n"
      "CONFIDENTIALITY NOTICE: This email and any attachments are confidential and intended solely for\n"
      "the addressee. If you are not the intended recipient, please delete it.\n"
      "\n"
      "Email ini dan lampirannya bersifat rahasia dan hanya ditujukan untuk penerima yang dimaksud.\n"
      "Jika Anda bukan penerima, mohon hapus email ini.\n");
  EXPECT_EQ(t.body, "Sinkronisasi stok gagal sejak pagi, muncul SYNC-500.");
  EXPECT_EQ(t.removed_lines, 4u);
}

TEST(TicketTextDisclaimer, DisclaimerInsideAParagraphDropsOnlyFromItsLine) {
  const CleanTicket t = body_only(
      "Laporan pajak tidak bisa dicetak.\n"
      "DISCLAIMER: Informasi dalam email ini\n"
      "hanya untuk penerima.\n");
  EXPECT_EQ(t.body, "Laporan pajak tidak bisa dicetak.");
}

TEST(TicketTextDisclaimer, TheWordInASentenceIsKept) {
  const CleanTicket t = body_only("I read the disclaimer on the refund page but it says nothing about fees.");
  EXPECT_EQ(t.body, "I read the disclaimer on the refund page but it says nothing about fees.");
}

// ----------------------------------------------------------------------------------- inline noise

TEST(TicketTextNoise, UrlsAndEmailAddresses) {
  const CleanTicket t = body_only(
      "Saya buka https://app.solusi.example/orders?id=5 dan www.solusi.example/help tapi kosong. "
      "Email saya budi.s@example.com.");
  EXPECT_EQ(t.body, "Saya buka dan tapi kosong. Email saya.");
}

TEST(TicketTextNoise, PhoneNumbers) {
  const CleanTicket t = body_only(
      "Hubungi saya di +62 812-3456-7890 atau 0812 3456 7890, kantor (021) 555-1234, WA +6281234567890.");
  EXPECT_EQ(t.body, "Hubungi saya di atau, kantor, WA.");
}

TEST(TicketTextNoise, OrderInvoiceTicketAndTrackingNumbers) {
  const CleanTicket t = body_only(
      "Pesanan INV/20240603/MPL/123456789 dengan resi AWB JX1234567890, order 2306141234567 dan tiket "
      "#123456 "
      "belum sampai. Order ORD-2024-88812 juga.");
  EXPECT_EQ(t.body, "Pesanan dengan resi AWB order dan tiket belum sampai. Order juga.");
  EXPECT_THAT(t.codes, IsEmpty());
}

TEST(TicketTextNoise, ErrorCodesAreKeptAndCollected) {
  const CleanTicket t = body_only(
      "Muncul E-402, PAY-401, OTP-429, SHP-404 dan ORD-451; di Chrome ERR_CONNECTION_RESET, di Windows "
      "(0x80070005), lalu error 502 dan kode: 404. Sekali lagi E-402. NET::ERR_CERT_DATE_INVALID dan HTTP "
      "503 juga.");
  EXPECT_THAT(t.codes,
              ElementsAre("E-402", "PAY-401", "OTP-429", "SHP-404", "ORD-451", "ERR_CONNECTION_RESET",
                          "0x80070005", "502", "404", "NET::ERR_CERT_DATE_INVALID", "503"));
  EXPECT_THAT(t.body, HasSubstr("(0x80070005)"));
  EXPECT_THAT(t.body, HasSubstr("error 502 dan kode: 404."));
}

TEST(TicketTextNoise, NumbersThatAreNotCodes) {
  const CleanTicket t = body_only("Halaman 404 muncul, pakai iPhone 15 dan Windows 11, kode booking 123456.");
  EXPECT_THAT(t.codes, IsEmpty());
  EXPECT_EQ(t.body, "Halaman 404 muncul, pakai iPhone 15 dan Windows 11, kode booking.");
}

TEST(TicketTextNoise, DatesTimesAndMoneyAreKept) {
  const std::string body =
      "Transfer Rp150.000 pada 03/06/2024 pukul 10.21, tagihan Rp 1.500.000 (IDR2500000) belum lunas.";
  const CleanTicket t = body_only(body);
  EXPECT_EQ(t.body, body);
  EXPECT_THAT(t.codes, IsEmpty());
}

// ---------------------------------------------------------------------------------- chat transcripts

TEST(TicketTextChat, WhatsAppTranscriptKeepsTheCustomersLines) {
  const CleanTicket t = body_only(
      "[10.21, 3/6/2024] Budi: Halo kak\n"
      "[10.21, 3/6/2024] Budi: Paket saya belum sampai padahal status sudah terkirim\n"
      "[10.22, 3/6/2024] CS Toko Makmur: Halo Kak Budi, boleh minta nomor pesanannya?\n"
      "[10.23, 3/6/2024] Budi: INV/20240601/MPL/987654321\n"
      "[10.23, 3/6/2024] Budi: Kurirnya bilang alamat tidak ditemukan\n"
      "padahal alamat sudah lengkap\n"
      "[10.25, 3/6/2024] CS Toko Makmur: Baik kak, kami cek dulu ya\n"
      "nanti kami kabari\n"
      "[10.26, 3/6/2024] Budi: Makasih kak\n");
  EXPECT_EQ(
      t.body,
      "Paket saya belum sampai padahal status sudah terkirim Kurirnya bilang alamat tidak ditemukan padahal "
      "alamat sudah lengkap");
  EXPECT_THAT(t.body, Not(HasSubstr("kabari")));
  EXPECT_EQ(t.removed_lines, 6u);
}

TEST(TicketTextChat, AndroidExportWhereTheShopSpeaksFirst) {
  const CleanTicket t = body_only(
      "3/6/24, 10.19 - Pesan dan panggilan terenkripsi secara end-to-end.\n"
      "3/6/24, 10.20 - Admin Official Store: Halo, ada yang bisa dibantu?\n"
      "3/6/24, 10.21 - Rina: Voucher saya tidak bisa dipakai, muncul VCR-102\n"
      "3/6/24, 10.21 - Rina: <Media tidak disertakan>\n"
      "3/6/24, 10.22 - Admin Official Store: Baik kak, mohon ditunggu\n");
  EXPECT_EQ(t.body, "Voucher saya tidak bisa dipakai, muncul VCR-102");
  EXPECT_THAT(t.codes, ElementsAre("VCR-102"));
}

TEST(TicketTextChat, OneStampedLineIsNotATranscript) {
  const CleanTicket t = body_only("[10.21, 3/6/2024] Budi: pesanan saya hilang\nMohon dicek.");
  EXPECT_EQ(t.body, "[10.21, 3/6/2024] Budi: pesanan saya hilang Mohon dicek.");
}

// ------------------------------------------------------------------------------------- robustness

TEST(TicketTextRobust, CrlfHtmlBreaksTabsAndEntities) {
  const CleanTicket t = body_only(
      "Halo kak,<br>\r\nSaldo\tsaya&nbsp;hilang &amp; tidak kembali.<br/>Sudah <b>3 hari</b>.<BR />\r"
      "Terima kasih<div>Salam,</div>");
  EXPECT_EQ(t.body, "Saldo saya hilang & tidak kembali. Sudah 3 hari.");
  EXPECT_EQ(t.removed_lines, 3u);
}

TEST(TicketTextRobust, UnknownAngleBracketsStayText) {
  EXPECT_EQ(body_only("Nilai <5 menit tapi >10 detik").body, "Nilai <5 menit tapi >10 detik");
}

TEST(TicketTextRobust, InvalidUtf8DoesNotCrashAndComesOutValid) {
  const std::string body = "Saldo \xff\xfe hilang \xc3\x28 setelah top up \xe2\x82";
  const CleanTicket t = clean_ticket("Re: \xf0\x9f\x98 saldo", body);
  EXPECT_TRUE(text::is_valid_utf8(t.body)) << t.body;
  EXPECT_TRUE(text::is_valid_utf8(t.subject)) << t.subject;
  EXPECT_THAT(t.body, HasSubstr("Saldo"));
  EXPECT_THAT(t.body, HasSubstr("setelah top up"));
  EXPECT_THAT(t.body, HasSubstr("\uFFFD"));
  EXPECT_THAT(t.subject, HasSubstr("saldo"));
}

TEST(TicketTextRobust, EmojiOnlyLinesAreDroppedEmojiInTextKept) {
  const CleanTicket t = body_only("😭😭😭\nSaldo saya hilang 😭\n🙏");
  EXPECT_EQ(t.body, "Saldo saya hilang 😭");
  EXPECT_EQ(t.removed_lines, 2u);
}

TEST(TicketTextRobust, EmptyInput) {
  const CleanTicket t = clean_ticket("", "");
  EXPECT_EQ(t.subject, "");
  EXPECT_EQ(t.body, "");
  EXPECT_THAT(t.codes, IsEmpty());
  EXPECT_EQ(t.removed_lines, 0u);
}

// A 5,000-word ticket: a long reply chain, a one-line HTML mail without line breaks and adversarial input.
// (Speed is measured in bench/, not asserted here.)
TEST(TicketTextRobust, LongTicketsAreCleanedWhole) {
  std::string chain = "Halo kak,\n";
  for (int i = 0; i < 250; ++i)
    chain += "Transaksi ke-" + std::to_string(i) + " gagal dengan PAY-401 lagi hari ini.\n";
  chain += "On Mon, 3 Jun 2024 at 10:00, Support <support@solusi.example> wrote:\n";
  for (int i = 0; i < 250; ++i) chain += "> Mohon coba lagi nanti, sistem sedang sibuk sekali ya kak.\n";
  std::string one_line = "Halo kak, ";
  for (int i = 0; i < 1000; ++i) one_line += "saya 0812 3456 7890 https://x.example E-402 ";
  one_line += ", terima kasih";
  std::string adversarial;
  for (int i = 0; i < 5000; ++i) adversarial += "<<&&[[## 00000000000000000000 , terima kasih, ";

  const CleanTicket a = body_only(chain);
  const CleanTicket b = body_only(one_line);
  const CleanTicket c = body_only(adversarial);

  EXPECT_THAT(a.body, HasSubstr("Transaksi ke-249 gagal dengan PAY-401 lagi hari ini."));
  EXPECT_THAT(a.body, Not(HasSubstr("sibuk")));
  EXPECT_THAT(a.codes, ElementsAre("PAY-401"));
  EXPECT_EQ(a.removed_lines, 252u);
  EXPECT_THAT(b.body, Not(HasSubstr("0812")));
  EXPECT_THAT(b.body, Not(HasSubstr("https")));
  EXPECT_THAT(b.body, Not(HasSubstr("terima kasih")));
  EXPECT_TRUE(b.body.starts_with("saya E-402 saya E-402"));
  EXPECT_THAT(b.codes, ElementsAre("E-402"));
  EXPECT_THAT(c.body, Not(HasSubstr("000000")));
}

}  // namespace
}  // namespace solusi::service
