package dev.apium.beat;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The five fields of a Celery crontab, checked one by one so an error names its field, with day and
 * month names turned into numbers (Celery's: {@code sun}=0) before cron-utils parses the whole.
 * Immutable value; built on the caller's thread.
 */
record CrontabFields(
    String minute, String hour, String dayOfMonth, String monthOfYear, String dayOfWeek) {

  private static final CronDefinition CELERY =
      CronDefinitionBuilder.defineCron()
          .withMinutes()
          .withValidRange(0, 59)
          .withStrictRange()
          .and()
          .withHours()
          .withValidRange(0, 23)
          .withStrictRange()
          .and()
          .withDayOfMonth()
          .withValidRange(1, 31)
          .withStrictRange()
          .and()
          .withMonth()
          .withValidRange(1, 12)
          .withStrictRange()
          .and()
          .withDayOfWeek()
          .withValidRange(0, 7)
          .withMondayDoWValue(1)
          .withIntMapping(7, 0)
          .withStrictRange()
          .and()
          .matchDayOfWeekAndDayOfMonth()
          .instance();
  private static final CronParser PARSER = new CronParser(CELERY);
  private static final List<String> NAMES =
      List.of("minute", "hour", "day_of_month", "month_of_year", "day_of_week");
  private static final Map<String, Integer> DAYS =
      Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4, "fri", 5, "sat", 6);
  private static final List<String> MONTHS =
      List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
  private static final Pattern WORD = Pattern.compile("[A-Za-z]+");
  private static final Pattern RANGE =
      Pattern.compile("Value (\\S+) not in range \\[(-?\\d+), (-?\\d+)\\]");

  static CrontabFields parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("an empty crontab: write e.g. '*/15 * * * *'");
    }
    String[] parts = expression.trim().split("\\s+");
    if (parts.length != 5) {
      throw invalid(
          expression,
          "it has "
              + parts.length
              + " field(s), expected 5: minute hour day_of_month month_of_year day_of_week");
    }
    return build(expression, parts);
  }

  static CrontabFields of(
      String minute, String hour, String dayOfWeek, String dayOfMonth, String monthOfYear) {
    String[] parts = {
      star(minute), star(hour), star(dayOfMonth), star(monthOfYear), star(dayOfWeek)
    };
    return build(String.join(" ", parts), parts);
  }

  private static String star(String field) {
    return field == null || field.isBlank() ? "*" : field.trim().replace(" ", "");
  }

  private static CrontabFields build(String expression, String[] parts) {
    String[] numeric = new String[5];
    for (int i = 0; i < 5; i++) {
      numeric[i] = numbers(expression, i, parts[i]);
      String[] alone = {"*", "*", "*", "*", "*"};
      alone[i] = numeric[i];
      try {
        PARSER.parse(String.join(" ", alone)).validate();
      } catch (IllegalArgumentException e) {
        throw invalid(expression, explain(NAMES.get(i), parts[i], e.getMessage()));
      }
    }
    CrontabFields fields =
        new CrontabFields(numeric[0], numeric[1], numeric[2], numeric[3], numeric[4]);
    try {
      fields.cron();
    } catch (IllegalArgumentException e) {
      throw invalid(expression, clean(e.getMessage()));
    }
    return fields;
  }

  /** Day and month names as Celery's numbers; other words are left for cron-utils to refuse. */
  private static String numbers(String expression, int index, String field) {
    if (index != 3 && index != 4) {
      return field;
    }
    Matcher m = WORD.matcher(field);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String word = m.group().toLowerCase(Locale.ROOT);
      String key = word.length() >= 3 ? word.substring(0, 3) : word;
      Integer number =
          index == 4 ? DAYS.get(key) : MONTHS.contains(key) ? MONTHS.indexOf(key) + 1 : null;
      if (number == null) {
        throw invalid(
            expression,
            NAMES.get(index)
                + " '"
                + m.group()
                + "' is not a "
                + (index == 4 ? "day name (sun..sat)" : "month name (jan..dec)"));
      }
      m.appendReplacement(out, Integer.toString(number));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String explain(String name, String field, String message) {
    Matcher range = RANGE.matcher(message == null ? "" : message);
    if (range.find()) {
      return name + " " + range.group(1) + " out of range " + range.group(2) + "-" + range.group(3);
    }
    return name + " '" + field + "': " + clean(message);
  }

  private static String clean(String message) {
    return message == null ? "invalid" : message.replace("Failed to parse cron expression. ", "");
  }

  private static IllegalArgumentException invalid(String expression, String why) {
    return new IllegalArgumentException("'" + expression + "' is not a valid crontab: " + why);
  }

  Cron cron() {
    return PARSER.parse(toString()).validate();
  }

  /** True when the hour field is {@code *}: the schedule then follows elapsed time across DST. */
  boolean everyHour() {
    return hour.equals("*");
  }

  @Override
  public String toString() {
    return minute + " " + hour + " " + dayOfMonth + " " + monthOfYear + " " + dayOfWeek;
  }
}
