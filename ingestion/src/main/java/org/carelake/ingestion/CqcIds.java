package org.carelake.ingestion;

import java.util.regex.Pattern;

/** The shape of CQC provider and location identifiers ("1-101641521", "1-10024040008"), one rule for every source. */
public final class CqcIds {

  private static final Pattern CQC_ID = Pattern.compile("1-[0-9]{5,12}");

  private CqcIds() {}

  public static boolean isCqcId(String value) {
    return value != null && CQC_ID.matcher(value).matches();
  }
}
