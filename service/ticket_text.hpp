// Cleaning of support-ticket text before it is used to suggest articles.
//
// Ticket systems (Zendesk, Freshdesk, Jira Service Management, e-mail desks) send a ticket's subject
// and body. The body holds far more than the customer's question: earlier replies quoted below it,
// greetings and sign-offs, signatures, legal disclaimers, phone, order and tracking numbers. Left in,
// they drown the few words that say what went wrong. clean_ticket() keeps the customer's own newest
// message, and the error codes in it, in Indonesian and English tickets alike.
//
// It is a pure function that never fails and is linear in the input: hand-written loops over single
// lines, no regular expressions. Malformed UTF-8 is replaced by U+FFFD, CRLF and lone CR are line
// ends, HTML line tags (<br>, <p>, <div>...) end lines and other common tags are dropped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace solusi::service {

struct CleanTicket {
  /// The subject without reply and forward prefixes ("Re:", "RE: AW:", "Fwd:", "Bls:") and ticket
  /// tags ("[#12345]", "[EXTERNAL]"), cleaned like a body line.
  std::string subject;
  /// The customer's own newest message: quoted replies, greetings, sign-offs, signatures,
  /// disclaimers, URLs, e-mail addresses, phone numbers and order/invoice/tracking numbers removed;
  /// whitespace collapsed to single spaces; sentence punctuation kept.
  std::string body;
  /// Error codes as written, subject first, in order of appearance, without duplicates:
  /// letter codes (E-402, PAY-401, OTP-429, ORD-451: 1-5 capitals, '-' or '_', 2-4 digits; the
  /// separator is optional from 2 capitals on), hexadecimal codes (0x80070005: "0x" and 4-16 hex
  /// digits), UPPER_SNAKE names of two or more parts (ERR_CONNECTION_RESET, NET::ERR_CERT_INVALID)
  /// and 2-5 digit numbers right after "error", "eror", "err", "code", "kode", "galat" or "HTTP".
  std::vector<std::string> codes;
  /// Non-blank body lines that contributed nothing to @c body.
  size_t removed_lines = 0;
  /// True when @c body includes the text of a forwarded message (see clean_ticket()).
  bool forwarded = false;
};

/// A forwarded message is kept when the note above it has at most this many words.
inline constexpr size_t kForwardNoteMaxWords = 5;

/// Cleans a ticket's @p subject and @p body.
///
/// The body is cut at the first quoted earlier message: a reply header ("On ... wrote:",
/// "Pada ... menulis:"), "-----Original Message-----"/"-----Pesan Asli-----", an Outlook
/// "From:/Sent:/To:/Subject:" block (also after a "_____" rule), a "reply above this line" marker,
/// and lines starting with '>' are dropped wherever they are. A forward marker ("Begin forwarded
/// message:", "---------- Forwarded message ---------", "Pesan yang diteruskan", an Outlook block
/// whose subject starts with "FW:") cuts the body the same way, except when the text above it has at
/// most kForwardNoteMaxWords words left after cleaning ("FYI", "Tolong dicek ya"): then the forwarded
/// message, without its header lines, is the complaint and is kept after that note.
///
/// Within the message: the "-- " signature delimiter and mobile signatures ("Sent from my iPhone",
/// "Dikirim dari Yahoo Mail", "Get Outlook for Android") end it; a sign-off line ("Regards,",
/// "Salam, Budi") followed by at most 6 short lines up to the end is a signature block and is
/// dropped with them; a paragraph from the point it mentions a disclaimer ("CONFIDENTIALITY NOTICE",
/// "Email ini dan lampirannya bersifat rahasia"...) is dropped. Greetings and sign-offs are removed
/// as whole lines, as a line's leading clause ("Halo kak, saya mau tanya refund" keeps "saya mau
/// tanya refund") or as its trailing clause ("..., terima kasih 🙏"). In a chat transcript
/// ("[10.21, 3/6/2024] Budi: ..." or "3/6/24, 10.21 - Budi: ..."), only the customer's lines are
/// kept, without their time stamp and name: the first speaker whose name does not look like a shop
/// or an agent ("CS", "Admin", "Official", "Toko"...).
///
/// Kept: dates and times with separators (03/06/2024, 10.21) and money amounts ("Rp150.000",
/// "1.500.000"). Removed as noise: URLs, e-mail addresses, phone numbers (+62 812-3456-7890,
/// 0812 3456 7890, (021) 555-1234), "#123" and longer ticket references, tokens with a run of 6 or
/// more digits (2306141234567, JX1234567890, INV/20240603/MPL/123456789) and tokens mixing letters
/// with 6 or more digits (ORD-2024-88812).
CleanTicket clean_ticket(std::string_view subject, std::string_view body);

}  // namespace solusi::service
