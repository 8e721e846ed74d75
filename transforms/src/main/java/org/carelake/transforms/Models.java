package org.carelake.transforms;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every SQL model, in build order ({@code models/index.txt}: staging, then core, then marts). The order is checked:
 * a model may only read tables built before it, or tables that ingestion and seeds fill.
 */
public final class Models {

  private static final Set<String> LANDED_LAYERS = Set.of("raw", "ref");
  private final List<Model> models;

  private Models(List<Model> models) {
    this.models = List.copyOf(models);
  }

  public static Models load() {
    List<Model> out = new ArrayList<>();
    Set<String> built = new HashSet<>();
    for (String entry : index()) {
      Model m = Model.load(entry);
      for (String in : m.inputs()) {
        String layer = in.substring(0, in.indexOf('.'));
        if (!LANDED_LAYERS.contains(layer) && !built.contains(in)) {
          throw new IllegalStateException(m.table() + " reads " + in + ", which is not built before it in models/index.txt");
        }
      }
      built.add(m.table());
      out.add(m);
    }
    return new Models(out);
  }

  public List<Model> all() {
    return models;
  }

  /** These models with one replaced by another of the same table (e.g. a changed query tried before it is committed). */
  public Models replacing(Model model) {
    get(model.table());
    return new Models(models.stream().map(m -> m.table().equals(model.table()) ? model : m).toList());
  }

  public Optional<Model> find(String table) {
    return models.stream().filter(m -> m.table().equals(table)).findFirst();
  }

  public Model get(String table) {
    return find(table).orElseThrow(() -> new IllegalArgumentException("no model " + table));
  }

  private static List<String> index() {
    try (InputStream in = Models.class.getClassLoader().getResourceAsStream("models/index.txt")) {
      if (in == null) {
        throw new IllegalStateException("models/index.txt is missing");
      }
      List<String> lines = new ArrayList<>();
      new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
          .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(lines::add);
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
