import { cronWords, list, ordinal } from "./cronWords";

test.each([
  // Fixed times.
  ["0 9 * * 1", "At 09:00 on Monday"],
  ["0 9 * * *", "At 09:00 every day"],
  ["30 8,12,18 * * *", "At 08:30, 12:30 and 18:30 every day"],
  ["0 9 * * 1-5", "At 09:00 on weekdays"],
  ["0 10 * * 6,0", "At 10:00 on weekends"],
  ["0 10 * * 6-7", "At 10:00 on weekends"],
  ["0 9 * * MON,wed,Fri", "At 09:00 on Monday, Wednesday and Friday"],
  ["0 9 * * 1-3", "At 09:00 on Monday through Wednesday"],
  ["15 7 * * 7", "At 07:15 on Sunday"],
  // Intervals.
  ["* * * * *", "Every minute"],
  ["*/15 * * * *", "Every 15 minutes"],
  ["0,30 * * * *", "Every 30 minutes"],
  ["5/20 * * * *", "Every 20 minutes from :05"],
  ["0 * * * *", "Every hour, on the hour"],
  ["45 * * * *", "Every hour at :45"],
  ["0,20 * * * *", "Every hour at :00 and :20"],
  ["0 */2 * * *", "Every 2 hours, on the hour"],
  ["30 */6 * * *", "Every 6 hours at :30"],
  ["0 1-23/2 * * *", "Every 2 hours, on the hour from 01:00"],
  ["*/15 9-17 * * 1-5", "Every 15 minutes between 09:00 and 17:59 on weekdays"],
  ["* 9 * * *", "Every minute between 09:00 and 09:59"],
  ["*/10 9,17 * * *", "Every 10 minutes during the 09:00 and 17:00 hours"],
  ["0 9-17 * * *", "Every hour from 09:00 to 17:00"],
  ["0,30 9-17 * * *", "Every 30 minutes between 09:00 and 17:59"],
  ["0,20 9-17 * * *", "Every hour at :00 and :20, between 09:00 and 17:59"],
  ["0 1,3,5,8,13,21 * * *", "At 01:00, 03:00, 05:00, 08:00, 13:00 and 21:00 every day"],
  ["0,30 1,3,5,8 * * *", "Every 30 minutes during the 01:00, 03:00, 05:00 and 08:00 hours"],
  ["0,20 1,3,5,8 * * *", "At :00 and :20 past the 01:00, 03:00, 05:00 and 08:00 hours every day"],
  ["0 0,12 * * *", "Every 12 hours, on the hour"],
  // Days of the month and months.
  ["0 0 1 * *", "At 00:00 on the 1st of the month"],
  ["0 0 1,15 * *", "At 00:00 on the 1st and 15th of the month"],
  ["0 6 1-7 * *", "At 06:00 on the 1st through 7th of the month"],
  ["0 6 */2 * *", "At 06:00 on every 2nd day of the month"],
  ["0 0 1 1 *", "At 00:00 on the 1st of January"],
  ["0 12 25 dec *", "At 12:00 on the 25th of December"],
  ["0 9 * 3-5 *", "At 09:00 every day in March through May"],
  ["0 9 * */3 1", "At 09:00 on Monday in January, April, July and October"],
  ["0 9 22 * *", "At 09:00 on the 22nd of the month"],
  ["0 9 11,12,13 * *", "At 09:00 on the 11th through 13th of the month"],
  // Either the day of month or the weekday, as cron reads two restricted day fields.
  ["0 9 1 * 1", "At 09:00 on the 1st of the month or on Monday"],
  // Descriptors.
  ["@hourly", "Every hour, on the hour"],
  ["@daily", "At 00:00 every day"],
  ["@weekly", "At 00:00 on Sunday"],
  ["@monthly", "At 00:00 on the 1st of the month"],
  ["@YEARLY", "At 00:00 on the 1st of January"],
  // Extra spaces are fine.
  ["  0   9 * *   1 ", "At 09:00 on Monday"],
])("%s reads %s", (expr, words) => {
  expect(cronWords(expr)).toBe(words);
});

test("what it cannot say honestly, it says it cannot, quoting the expression", () => {
  // A stepped day of month AND a weekday must both match: too easy to misstate.
  expect(cronWords("0 9 */2 * 1")).toBe("Runs on the cron schedule “0 9 */2 * 1”, which is too intricate to put into words here.");
});

test("invalid expressions are named as such, not described", () => {
  expect(cronWords("*/5 * * *")).toMatch(/not a 5-field cron expression/);
  expect(cronWords("0 9 * * 1 2026")).toMatch(/not a 5-field/);
  expect(cronWords("61 * * * *")).toMatch(/not a cron expression Torale can read/);
  expect(cronWords("0 9 L * *")).toMatch(/cannot|not a cron/);
  expect(cronWords("0 9 * * MONDAY")).toMatch(/not a cron/);
  expect(cronWords("5-1 * * * *")).toMatch(/not a cron/);
  expect(cronWords("*/0 * * * *")).toMatch(/not a cron/);
  expect(cronWords("1,,2 * * * *")).toMatch(/not a cron/);
  expect(cronWords("@every 5m")).toMatch(/not a 5-field/);
});

test("an empty schedule means the agent decides", () => {
  expect(cronWords("")).toMatch(/agent decides/);
});

test("helpers", () => {
  expect(list([])).toBe("");
  expect(list(["a"])).toBe("a");
  expect(list(["a", "b"])).toBe("a and b");
  expect(list(["a", "b", "c"])).toBe("a, b and c");
  expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual([
    "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th",
  ]);
});
